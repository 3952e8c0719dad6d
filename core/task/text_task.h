#ifndef ARTS_CORE_TASK_TEXT_TASK_H_
#define ARTS_CORE_TASK_TEXT_TASK_H_

#include <cstddef>

#include "core/task/task.h"

namespace arts::task {

// Limits of the `text` task (docs/bring_your_own.md).
inline constexpr size_t kMaxTextProblemBytes = 16 * 1024;
inline constexpr size_t kMaxTextStepBytes = 4 * 1024;

// Problems and steps as opaque text, for generators this project did not
// train: a step is whatever the generator returns (one line of UTF-8, at
// most kMaxTextStepBytes), the generator marks terminal candidates and their
// final answers, and answers are equal when their normalized text is equal
// (surrounding space trimmed, inner runs of space collapsed, ASCII letters
// lower-cased). There is no checker, so no reward.
class TextTask : public Task {
 public:
  absl::string_view name() const override { return "text"; }
  absl::Status CheckProblem(absl::string_view problem) const override;
  TraceCheck CheckTrace(absl::string_view problem,
                        const std::vector<std::string>& steps) const override;
  std::string NormalizeAnswer(absl::string_view answer) const override;
  absl::StatusOr<double> Reward(
      absl::string_view problem,
      const std::vector<std::string>& steps) const override;
};

}  // namespace arts::task

#endif  // ARTS_CORE_TASK_TEXT_TASK_H_
