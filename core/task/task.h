#ifndef ARTS_CORE_TASK_TASK_H_
#define ARTS_CORE_TASK_TASK_H_

#include <optional>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/string_view.h"

namespace arts::task {

// Where a trace stands by a task's own rules.
struct TraceCheck {
  bool legal = true;      // every step is legal
  int illegal_step = -1;  // index of the first illegal step, -1 if none
  std::string reason;     // why it is illegal
  // Whether the task itself can tell the trace is complete; tasks whose
  // generator decides (`text`) leave these unknown.
  bool knows_end = false;
  bool terminal = false;
  std::string final_answer;  // when terminal
};

// What a task knows: problems, steps, complete traces, answers and rewards.
// The orchestrator and the search use a task only to check a problem, to
// compare answers and to say whether each answer passes the task's check:
// everything else a search needs comes with the generator's candidates, so
// that a task behind someone else's generator works without its rules
// living here. Rewards and the answer check are never used to pick answers.
// Implementations are stateless and thread-safe.
class Task {
 public:
  virtual ~Task() = default;

  virtual absl::string_view name() const = 0;

  // OK if `problem` is a problem of this task; else InvalidArgument with the
  // reason (the caller adds the field name).
  virtual absl::Status CheckProblem(absl::string_view problem) const = 0;

  // The verdict on `steps` of `problem`, step by step.
  virtual TraceCheck CheckTrace(
      absl::string_view problem,
      const std::vector<std::string>& steps) const = 0;

  // The form of an answer under which equal answers are equal (for votes).
  virtual std::string NormalizeAnswer(absl::string_view answer) const = 0;
  bool AnswersEqual(absl::string_view a, absl::string_view b) const {
    return NormalizeAnswer(a) == NormalizeAnswer(b);
  }

  // 1 for a correct complete trace, 0 otherwise; FailedPrecondition for a
  // task that has no checker (`text`).
  virtual absl::StatusOr<double> Reward(
      absl::string_view problem,
      const std::vector<std::string>& steps) const = 0;

  // Whether `steps` are a complete trace that passes the task's own check
  // (Countdown: ends on the target), for telling the user which answers
  // hold; never to rank them. nullopt for a task that cannot check (`text`).
  virtual std::optional<bool> CheckAnswer(
      absl::string_view problem, const std::vector<std::string>& steps) const {
    (void)problem, (void)steps;
    return std::nullopt;
  }

  // The optional step-completion hook (a tool call): turns what a model
  // wrote of a step, `head`, into the whole step text after `steps`.
  // Unimplemented for tasks without one.
  virtual absl::StatusOr<std::string> CompleteStep(
      absl::string_view problem, const std::vector<std::string>& steps,
      absl::string_view head) const {
    (void)problem, (void)steps, (void)head;
    return absl::UnimplementedError(
        absl::StrCat(name(), " has no step completion"));
  }
};

// The tasks this build knows, by name: "countdown" and "text".
const Task* FindTask(absl::string_view name);
// FindTask, or InvalidArgument "task: unknown task 'x' (known: ...)". An
// empty name is "countdown", the default of the contract.
absl::StatusOr<const Task*> TaskOrError(absl::string_view name);
std::vector<std::string> TaskNames();

}  // namespace arts::task

#endif  // ARTS_CORE_TASK_TASK_H_
