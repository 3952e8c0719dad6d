#include "core/countdown/step.h"

#include "absl/status/status.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "core/countdown/problem.h"

namespace arts::countdown {

bool IsOperator(char c) { return c == '+' || c == '-' || c == '*' || c == '/'; }

absl::StatusOr<Rational> ApplyOperator(const Rational& lhs, char op,
                                       const Rational& rhs) {
  switch (op) {
    case '+':
      return Add(lhs, rhs);
    case '-':
      return Subtract(lhs, rhs);
    case '*':
      return Multiply(lhs, rhs);
    case '/':
      return Divide(lhs, rhs);
  }
  return absl::InvalidArgumentError(
      absl::StrCat("unknown operator '", std::string(1, op), "'"));
}

absl::StatusOr<Step> ParseStep(absl::string_view text) {
  auto bad = [](absl::string_view why) {
    return absl::InvalidArgumentError(
        absl::StrCat("step must look like '13 - 9 = 4 (left: 4 4 10)': ", why));
  };
  if (text.size() > kMaxStepChars) {
    return bad(absl::StrCat("longer than ", kMaxStepChars, " characters"));
  }
  constexpr absl::string_view kLeftOpen = "(left: ";
  size_t open = text.find(kLeftOpen);
  if (open == absl::string_view::npos || !absl::EndsWith(text, ")")) {
    return bad("missing '(left: ...)'");
  }
  if (open == 0 || text[open - 1] != ' ') {
    return bad("expected a space before '(left:'");
  }
  absl::StatusOr<std::vector<absl::string_view>> head =
      SplitTokens(text.substr(0, open - 1));
  if (!head.ok()) return bad(head.status().message());
  if (head->size() != 5 || (*head)[1].size() != 1 ||
      !IsOperator((*head)[1][0]) || (*head)[3] != "=") {
    return bad("expected 'A op B = C' with op one of + - * /");
  }
  Step step;
  step.op = (*head)[1][0];
  for (auto [index, field] : {std::pair{0, &step.lhs}, std::pair{2, &step.rhs},
                              std::pair{4, &step.result}}) {
    absl::StatusOr<Rational> n = Rational::Parse((*head)[index]);
    if (!n.ok()) return bad(n.status().message());
    *field = *n;
  }
  absl::string_view left_text = text.substr(
      open + kLeftOpen.size(), text.size() - open - kLeftOpen.size() - 1);
  absl::StatusOr<std::vector<absl::string_view>> left = SplitTokens(left_text);
  if (!left.ok())
    return bad(absl::StrCat("left list: ", left.status().message()));
  for (absl::string_view token : *left) {
    absl::StatusOr<Rational> n = Rational::Parse(token);
    if (!n.ok()) return bad(n.status().message());
    step.left.push_back(*n);
  }
  return step;
}

absl::StatusOr<StepHead> ParseStepHead(absl::string_view text) {
  auto bad = [](absl::string_view why) {
    return absl::InvalidArgumentError(
        absl::StrCat("step must start like '13 - 9 =': ", why));
  };
  absl::StatusOr<std::vector<absl::string_view>> tokens = SplitTokens(text);
  if (!tokens.ok()) return bad(tokens.status().message());
  if (tokens->size() != 4 || (*tokens)[1].size() != 1 ||
      !IsOperator((*tokens)[1][0]) || (*tokens)[3] != "=") {
    return bad("expected 'A op B =' with op one of + - * /");
  }
  StepHead head;
  head.op = (*tokens)[1][0];
  absl::StatusOr<Rational> lhs = Rational::Parse((*tokens)[0]);
  if (!lhs.ok()) return bad(lhs.status().message());
  absl::StatusOr<Rational> rhs = Rational::Parse((*tokens)[2]);
  if (!rhs.ok()) return bad(rhs.status().message());
  head.lhs = *lhs;
  head.rhs = *rhs;
  return head;
}

std::string FormatStepHead(const Rational& lhs, char op, const Rational& rhs) {
  return absl::StrCat(lhs.ToString(), " ", std::string(1, op), " ",
                      rhs.ToString(), " =");
}

std::string FormatStep(const Step& step) {
  return absl::StrCat(FormatStepHead(step.lhs, step.op, step.rhs), " ",
                      step.result.ToString(),
                      " (left: ", JoinNumbers(step.left), ")");
}

}  // namespace arts::countdown
