#ifndef ARTS_BACKENDS_LOCAL_SCHEDULED_BACKENDS_H_
#define ARTS_BACKENDS_LOCAL_SCHEDULED_BACKENDS_H_

#include <functional>
#include <vector>

#include "core/backend/policy.h"
#include "core/backend/scorer.h"
#include "core/serving/generation_scheduler.h"
#include "core/serving/scoring_scheduler.h"

namespace arts::backends {

// backend::Policy over a GenerationScheduler in this process: the calls of
// every search share its decode steps (continuous batching), as the calls
// to the Generator service do. StartPropose queues the call and returns;
// the scheduler's thread calls back. A refusal (full queue) is the call's
// error.
class ScheduledPolicy : public backend::Policy {
 public:
  explicit ScheduledPolicy(serving::GenerationScheduler& scheduler)
      : scheduler_(scheduler) {}

  absl::Status Propose(
      const backend::ProposeRequest& request, const backend::CallContext& call,
      const std::function<void(backend::Candidate)>& on_candidate) override;
  void StartPropose(const backend::ProposeRequest& request,
                    const backend::CallContext& call,
                    std::function<void(backend::Candidate)> on_candidate,
                    std::function<void(absl::Status)> on_done) override;

 private:
  serving::GenerationScheduler& scheduler_;
};

// backend::Scorer over a ScoringScheduler in this process: the traces of
// every search's calls are scored in shared forward passes (dynamic
// batching, the prefix cache), as the Verifier service's are.
class ScheduledScorer : public backend::Scorer {
 public:
  explicit ScheduledScorer(serving::ScoringScheduler& scheduler)
      : scheduler_(scheduler) {}

  absl::StatusOr<std::vector<std::vector<double>>> Score(
      const backend::ScoreRequest& request,
      const backend::CallContext& call) override;
  void StartScore(const backend::ScoreRequest& request,
                  const backend::CallContext& call, ScoreDone on_done) override;

 private:
  serving::ScoringScheduler& scheduler_;
};

}  // namespace arts::backends

#endif  // ARTS_BACKENDS_LOCAL_SCHEDULED_BACKENDS_H_
