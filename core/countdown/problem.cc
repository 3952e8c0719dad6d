#include "core/countdown/problem.h"

#include "absl/status/status.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"

namespace arts::countdown {

absl::StatusOr<std::vector<absl::string_view>> SplitTokens(
    absl::string_view text) {
  std::vector<absl::string_view> tokens;
  size_t start = 0;
  while (true) {
    size_t space = text.find(' ', start);
    absl::string_view token = text.substr(start, space - start);
    if (token.empty()) {
      return absl::InvalidArgumentError(
          "tokens must be separated by single spaces");
    }
    tokens.push_back(token);
    if (space == absl::string_view::npos) break;
    start = space + 1;
  }
  return tokens;
}

std::string JoinNumbers(const std::vector<Rational>& numbers) {
  return absl::StrJoin(numbers, " ", [](std::string* out, const Rational& r) {
    out->append(r.ToString());
  });
}

absl::StatusOr<Problem> ParseProblem(absl::string_view text) {
  auto bad = [](absl::string_view why) {
    return absl::InvalidArgumentError(
        absl::StrCat("problem must look like '4 9 10 13 -> 24': ", why));
  };
  if (text.size() > kMaxProblemChars) {
    return bad(absl::StrCat("longer than ", kMaxProblemChars, " characters"));
  }
  absl::StatusOr<std::vector<absl::string_view>> tokens = SplitTokens(text);
  if (!tokens.ok()) return bad(tokens.status().message());
  if (tokens->size() < 3 || (*tokens)[tokens->size() - 2] != "->") {
    return bad("expected numbers, then '->', then the target");
  }
  Problem problem;
  for (size_t i = 0; i + 2 < tokens->size(); ++i) {
    absl::StatusOr<Rational> n = Rational::Parse((*tokens)[i]);
    if (!n.ok()) return bad(n.status().message());
    problem.numbers.push_back(*n);
  }
  absl::StatusOr<Rational> target = Rational::Parse(tokens->back());
  if (!target.ok()) return bad(target.status().message());
  problem.target = *target;
  const int count = static_cast<int>(problem.numbers.size());
  if (count < kMinNumbers || count > kMaxNumbers) {
    return bad(absl::StrCat("needs ", kMinNumbers, " to ", kMaxNumbers,
                            " numbers, got ", count));
  }
  return problem;
}

std::string FormatProblem(const Problem& problem) {
  return absl::StrCat(JoinNumbers(problem.numbers), " -> ",
                      problem.target.ToString());
}

}  // namespace arts::countdown
