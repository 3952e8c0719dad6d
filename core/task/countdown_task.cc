#include "core/task/countdown_task.h"

#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"
#include "core/countdown/checker.h"
#include "core/countdown/problem.h"
#include "core/countdown/rational.h"
#include "core/countdown/step.h"

namespace arts::task {

absl::Status CountdownTask::CheckProblem(absl::string_view problem) const {
  return countdown::ParseProblem(problem).status();
}

TraceCheck CountdownTask::CheckTrace(
    absl::string_view problem, const std::vector<std::string>& steps) const {
  TraceCheck check;
  absl::StatusOr<countdown::Problem> parsed = countdown::ParseProblem(problem);
  if (!parsed.ok()) {
    check.legal = false;
    check.reason = absl::StrCat("problem: ", parsed.status().message());
    return check;
  }
  const countdown::TraceVerdict verdict = countdown::CheckTrace(*parsed, steps);
  check.legal = verdict.valid;
  check.illegal_step = verdict.invalid_step;
  check.reason = verdict.reason;
  check.knows_end = true;
  check.terminal = verdict.valid && verdict.terminal;
  if (check.terminal) {
    check.final_answer = countdown::JoinNumbers(verdict.state.left);
  }
  return check;
}

std::string CountdownTask::NormalizeAnswer(absl::string_view answer) const {
  // Answers are numbers in reduced form; surrounding space is tolerated.
  const absl::string_view trimmed = absl::StripAsciiWhitespace(answer);
  absl::StatusOr<countdown::Rational> value =
      countdown::Rational::Parse(trimmed);
  return value.ok() ? value->ToString() : std::string(trimmed);
}

absl::StatusOr<double> CountdownTask::Reward(
    absl::string_view problem, const std::vector<std::string>& steps) const {
  absl::StatusOr<countdown::Problem> parsed = countdown::ParseProblem(problem);
  if (!parsed.ok()) return parsed.status();
  return countdown::Reward(countdown::CheckTrace(*parsed, steps));
}

std::optional<bool> CountdownTask::CheckAnswer(
    absl::string_view problem, const std::vector<std::string>& steps) const {
  absl::StatusOr<countdown::Problem> parsed = countdown::ParseProblem(problem);
  if (!parsed.ok()) return false;
  return countdown::CheckTrace(*parsed, steps).correct;
}

absl::StatusOr<std::string> CountdownTask::CompleteStep(
    absl::string_view problem, const std::vector<std::string>& steps,
    absl::string_view head) const {
  absl::StatusOr<countdown::Problem> parsed = countdown::ParseProblem(problem);
  if (!parsed.ok()) return parsed.status();
  const countdown::TraceVerdict verdict = countdown::CheckTrace(*parsed, steps);
  if (!verdict.valid) {
    return absl::InvalidArgumentError(
        absl::StrCat("steps[", verdict.invalid_step, "]: ", verdict.reason));
  }
  absl::StatusOr<countdown::StepHead> parsed_head =
      countdown::ParseStepHead(head);
  if (!parsed_head.ok()) return parsed_head.status();
  absl::StatusOr<countdown::Step> step = countdown::CompleteStep(
      verdict.state, parsed_head->lhs, parsed_head->op, parsed_head->rhs);
  if (!step.ok()) return step.status();
  return countdown::FormatStep(*step);
}

}  // namespace arts::task
