#include "core/countdown/checker.h"

#include <algorithm>
#include <utility>

#include "absl/status/status.h"
#include "absl/strings/str_cat.h"

namespace arts::countdown {
namespace {

// Removes one copy of `value` from `numbers`; false if absent.
bool RemoveOne(std::vector<Rational>& numbers, const Rational& value) {
  auto it = std::find(numbers.begin(), numbers.end(), value);
  if (it == numbers.end()) return false;
  numbers.erase(it);
  return true;
}

}  // namespace

State InitialState(const Problem& problem) {
  return State{problem, problem.numbers};
}

absl::StatusOr<Step> CompleteStep(const State& state, const Rational& lhs,
                                  char op, const Rational& rhs) {
  if (state.left.size() < 2) {
    return absl::FailedPreconditionError("the trace is already finished");
  }
  std::vector<Rational> left = state.left;
  if (!RemoveOne(left, lhs)) {
    return absl::InvalidArgumentError(
        absl::StrCat(lhs.ToString(), " is not among the numbers left"));
  }
  if (!RemoveOne(left, rhs)) {
    return absl::InvalidArgumentError(
        absl::StrCat(rhs.ToString(), " is not among the numbers left",
                     lhs == rhs ? " twice" : ""));
  }
  absl::StatusOr<Rational> result = ApplyOperator(lhs, op, rhs);
  if (!result.ok()) return result.status();
  left.push_back(*result);
  std::sort(left.begin(), left.end());
  return Step{lhs, op, rhs, *result, std::move(left)};
}

absl::StatusOr<State> ApplyStep(const State& state, const Step& step) {
  absl::StatusOr<Step> expected =
      CompleteStep(state, step.lhs, step.op, step.rhs);
  if (!expected.ok()) return expected.status();
  if (expected->result != step.result) {
    return absl::InvalidArgumentError(absl::StrCat(
        "arithmetic is wrong: ", FormatStepHead(step.lhs, step.op, step.rhs),
        " ", expected->result.ToString(), ", not ", step.result.ToString()));
  }
  std::vector<Rational> written = step.left;
  std::sort(written.begin(), written.end());
  if (written != expected->left) {
    return absl::InvalidArgumentError(
        absl::StrCat("left list is wrong: expected ",
                     JoinNumbers(expected->left), " in any order"));
  }
  return State{state.problem, std::move(expected->left)};
}

TraceVerdict CheckTrace(const Problem& problem,
                        const std::vector<std::string>& steps) {
  TraceVerdict verdict;
  verdict.state = InitialState(problem);
  for (size_t i = 0; i < steps.size(); ++i) {
    auto fail = [&](const absl::Status& status) {
      verdict.valid = false;
      verdict.invalid_step = static_cast<int>(i);
      verdict.reason = std::string(status.message());
      return verdict;
    };
    if (verdict.state.terminal()) {
      return fail(absl::InvalidArgumentError(
          "the trace already ended with one number left"));
    }
    absl::StatusOr<Step> step = ParseStep(steps[i]);
    if (!step.ok()) return fail(step.status());
    absl::StatusOr<State> next = ApplyStep(verdict.state, *step);
    if (!next.ok()) return fail(next.status());
    verdict.state = *std::move(next);
  }
  verdict.terminal = verdict.state.terminal();
  verdict.correct = verdict.state.correct();
  return verdict;
}

}  // namespace arts::countdown
