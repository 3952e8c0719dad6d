#include "core/task/text_task.h"

#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"

namespace arts::task {

absl::Status TextTask::CheckProblem(absl::string_view problem) const {
  if (absl::StripAsciiWhitespace(problem).empty()) {
    return absl::InvalidArgumentError("must not be empty");
  }
  if (problem.size() > kMaxTextProblemBytes) {
    return absl::InvalidArgumentError(absl::StrCat(
        "at most ", kMaxTextProblemBytes, " bytes, got ", problem.size()));
  }
  return absl::OkStatus();
}

TraceCheck TextTask::CheckTrace(absl::string_view problem,
                                const std::vector<std::string>& steps) const {
  TraceCheck check;
  if (absl::Status s = CheckProblem(problem); !s.ok()) {
    check.legal = false;
    check.reason = absl::StrCat("problem: ", s.message());
    return check;
  }
  for (size_t i = 0; i < steps.size(); ++i) {
    std::string reason;
    if (steps[i].size() > kMaxTextStepBytes) {
      reason = absl::StrCat("at most ", kMaxTextStepBytes, " bytes, got ",
                            steps[i].size());
    } else if (steps[i].find('\n') != std::string::npos) {
      reason = "a step is one line";
    }
    if (!reason.empty()) {
      check.legal = false;
      check.illegal_step = static_cast<int>(i);
      check.reason = std::move(reason);
      return check;
    }
  }
  return check;  // the generator, not the task, knows where a trace ends
}

std::string TextTask::NormalizeAnswer(absl::string_view answer) const {
  std::string out;
  bool space = false;
  for (char c : absl::StripAsciiWhitespace(answer)) {
    if (absl::ascii_isspace(static_cast<unsigned char>(c))) {
      space = true;
      continue;
    }
    if (space) out.push_back(' ');
    space = false;
    out.push_back(absl::ascii_tolower(static_cast<unsigned char>(c)));
  }
  return out;
}

absl::StatusOr<double> TextTask::Reward(absl::string_view,
                                        const std::vector<std::string>&) const {
  return absl::FailedPreconditionError(
      "the text task has no checker, so no reward");
}

}  // namespace arts::task
