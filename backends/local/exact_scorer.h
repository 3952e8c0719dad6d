#ifndef ARTS_BACKENDS_LOCAL_EXACT_SCORER_H_
#define ARTS_BACKENDS_LOCAL_EXACT_SCORER_H_

#include <map>
#include <string>
#include <vector>

#include "absl/base/thread_annotations.h"
#include "absl/status/status.h"
#include "absl/strings/string_view.h"
#include "absl/synchronization/mutex.h"
#include "core/backend/scorer.h"
#include "core/countdown/solver.h"

namespace arts::backends {

// backend::Scorer with the exact verifier (core/countdown/exact_value.h):
// log F from Countdown's solver, no model. The ceiling a learned verifier is
// measured against, in this process or behind arts-verifier --model=exact.
// Thread-safe; calls share one memo of solved states.
class ExactScorer : public backend::Scorer {
 public:
  // OK when the exact verifier knows `task`: countdown ("" is countdown).
  // Else InvalidArgument "task: ..." naming it: no other task has a solver.
  static absl::Status CheckTask(absl::string_view task);

  // What it is, for a server's GetModelInfo: verifier "exact", task
  // "countdown", dead_log_flow (the log F of a state that is lost).
  static std::map<std::string, std::string> Metadata();

  // Bad input is InvalidArgument naming the field, as the model verifier
  // says it: "traces: ...", "traces[2].problem: ...". Steps are not checked
  // here: an illegal one is a dead end, log F kExactDeadLogFlow.
  absl::StatusOr<std::vector<std::vector<double>>> Score(
      const backend::ScoreRequest& request,
      const backend::CallContext& call) override;

 private:
  absl::Mutex mu_;
  countdown::SolvableMemo memo_ ABSL_GUARDED_BY(mu_);
};

}  // namespace arts::backends

#endif  // ARTS_BACKENDS_LOCAL_EXACT_SCORER_H_
