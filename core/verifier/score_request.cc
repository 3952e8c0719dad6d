#include "core/verifier/score_request.h"

#include <string>

#include "absl/strings/str_cat.h"
#include "absl/strings/string_view.h"
#include "core/countdown/problem.h"
#include "core/countdown/step.h"
#include "core/model/tokenizer.h"
#include "core/task/text_task.h"

namespace arts::verifier {
namespace {

absl::Status FieldError(absl::string_view field, absl::string_view why) {
  return absl::InvalidArgumentError(absl::StrCat(field, ": ", why));
}

// One line of text in the model's alphabet, at most kMaxStepChars long.
absl::Status CheckStepText(const model::Tokenizer& tokenizer,
                           const std::string& step) {
  if (step.size() > countdown::kMaxStepChars) {
    return absl::InvalidArgumentError(
        absl::StrCat("longer than ", countdown::kMaxStepChars, " characters"));
  }
  if (step.find('\n') != std::string::npos) {
    return absl::InvalidArgumentError("a step is one line: no newline");
  }
  return tokenizer.Encode(step).status();
}

}  // namespace

absl::Status ValidateScoreRequest(const std::vector<TraceRef>& traces,
                                  const std::string& task) {
  if (traces.empty()) return FieldError("traces", "at least one trace");
  if (traces.size() > kMaxTracesPerRequest) {
    return FieldError("traces", absl::StrCat("at most ", kMaxTracesPerRequest,
                                             " traces, got ", traces.size()));
  }
  const model::Tokenizer tokenizer;
  for (size_t i = 0; i < traces.size(); ++i) {
    const std::string field = absl::StrCat("traces[", i, "]");
    const TraceRef& trace = traces[i];
    if (trace.steps.size() > kMaxStepsPerTrace) {
      return FieldError(absl::StrCat(field, ".steps"),
                        absl::StrCat("at most ", kMaxStepsPerTrace,
                                     " steps, got ", trace.steps.size()));
    }
    if (task != countdown::kTaskName) {
      const task::TextTask text;
      if (absl::Status s = text.CheckProblem(trace.problem); !s.ok()) {
        return FieldError(absl::StrCat(field, ".problem"), s.message());
      }
      const task::TraceCheck check =
          text.CheckTrace(trace.problem, trace.steps);
      if (!check.legal) {
        return FieldError(
            absl::StrCat(field, ".steps[", check.illegal_step, "]"),
            check.reason);
      }
      continue;
    }
    if (absl::Status s = countdown::ParseProblem(trace.problem).status();
        !s.ok()) {
      return FieldError(absl::StrCat(field, ".problem"), s.message());
    }
    for (size_t j = 0; j < trace.steps.size(); ++j) {
      if (absl::Status s = CheckStepText(tokenizer, trace.steps[j]); !s.ok()) {
        return FieldError(absl::StrCat(field, ".steps[", j, "]"), s.message());
      }
    }
  }
  return absl::OkStatus();
}

}  // namespace arts::verifier
