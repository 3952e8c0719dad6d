#ifndef ARTS_CORE_COUNTDOWN_STEP_H_
#define ARTS_CORE_COUNTDOWN_STEP_H_

#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "core/countdown/rational.h"

namespace arts::countdown {

inline constexpr size_t kMaxStepChars = 160;

// One reasoning step: `lhs op rhs = result (left: X Y Z)`. `left` is the
// multiset of numbers remaining after the step, in the order written.
struct Step {
  Rational lhs;
  char op = '+';
  Rational rhs;
  Rational result;
  std::vector<Rational> left;
};

bool IsOperator(char c);

// Exact arithmetic for one operator; errors on division by zero, overflow or
// an unknown operator.
absl::StatusOr<Rational> ApplyOperator(const Rational& lhs, char op,
                                       const Rational& rhs);

// Syntax only: checks the grammar, not the arithmetic or the state.
absl::StatusOr<Step> ParseStep(absl::string_view text);
std::string FormatStep(const Step& step);

// The part the model writes before the calculator takes over: `A op B =`.
std::string FormatStepHead(const Rational& lhs, char op, const Rational& rhs);

struct StepHead {
  Rational lhs;
  char op = '+';
  Rational rhs;
};
// Parses `A op B =` (syntax only).
absl::StatusOr<StepHead> ParseStepHead(absl::string_view text);

}  // namespace arts::countdown

#endif  // ARTS_CORE_COUNTDOWN_STEP_H_
