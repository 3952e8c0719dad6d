#ifndef ARTS_CORE_COUNTDOWN_PROBLEM_H_
#define ARTS_CORE_COUNTDOWN_PROBLEM_H_

#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "core/countdown/rational.h"

namespace arts::countdown {

// The task's name in the contract (SolveRequest.task and the backends'
// requests), which the bundled models serve.
inline constexpr char kTaskName[] = "countdown";

// Limits that keep every problem small enough to serve and to solve.
inline constexpr int kMinNumbers = 2;
inline constexpr int kMaxNumbers = 6;
inline constexpr size_t kMaxProblemChars = 128;

// A Countdown problem: combine `numbers` pairwise into `target`.
// Text form: `4 9 10 13 -> 24`.
struct Problem {
  std::vector<Rational> numbers;
  Rational target;

  friend bool operator==(const Problem& a, const Problem& b) {
    return a.numbers == b.numbers && a.target == b.target;
  }
};

absl::StatusOr<Problem> ParseProblem(absl::string_view text);
std::string FormatProblem(const Problem& problem);

// Splits on single spaces; an empty field (double space, leading or trailing
// space) is an error so that every text has exactly one spelling.
absl::StatusOr<std::vector<absl::string_view>> SplitTokens(
    absl::string_view text);

// Formats numbers separated by single spaces.
std::string JoinNumbers(const std::vector<Rational>& numbers);

}  // namespace arts::countdown

#endif  // ARTS_CORE_COUNTDOWN_PROBLEM_H_
