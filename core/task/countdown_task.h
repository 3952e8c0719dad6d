#ifndef ARTS_CORE_TASK_COUNTDOWN_TASK_H_
#define ARTS_CORE_TASK_COUNTDOWN_TASK_H_

#include "core/countdown/problem.h"
#include "core/task/task.h"

namespace arts::task {

// Countdown / the Game of 24 (docs/formats.md): problems `4 9 10 13 -> 24`,
// steps `13 - 9 = 4 (left: 4 4 10)`, exact rational arithmetic. The final
// answer is the number left; the reward is whether it is the target.
class CountdownTask : public Task {
 public:
  absl::string_view name() const override { return countdown::kTaskName; }
  absl::Status CheckProblem(absl::string_view problem) const override;
  TraceCheck CheckTrace(absl::string_view problem,
                        const std::vector<std::string>& steps) const override;
  std::string NormalizeAnswer(absl::string_view answer) const override;
  absl::StatusOr<double> Reward(
      absl::string_view problem,
      const std::vector<std::string>& steps) const override;
  // The checker: true when the trace is legal, complete and on the target.
  std::optional<bool> CheckAnswer(
      absl::string_view problem,
      const std::vector<std::string>& steps) const override;
  // The calculator: `A op B =` becomes `A op B = C (left: ...)`.
  absl::StatusOr<std::string> CompleteStep(
      absl::string_view problem, const std::vector<std::string>& steps,
      absl::string_view head) const override;
};

}  // namespace arts::task

#endif  // ARTS_CORE_TASK_COUNTDOWN_TASK_H_
