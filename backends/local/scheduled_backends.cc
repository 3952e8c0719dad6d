#include "backends/local/scheduled_backends.h"

#include <utility>

#include "absl/synchronization/notification.h"

namespace arts::backends {

void ScheduledPolicy::StartPropose(
    const backend::ProposeRequest& request, const backend::CallContext& call,
    std::function<void(backend::Candidate)> on_candidate,
    std::function<void(absl::Status)> on_done) {
  serving::GenerationScheduler::Callbacks callbacks;
  callbacks.on_candidate = std::move(on_candidate);
  callbacks.cancelled = call.cancelled;
  callbacks.deadline = call.deadline;
  callbacks.solve = call.solve;
  // Submit keeps `on_done` only when it queues the call: a refusal is said
  // here.
  auto done =
      std::make_shared<std::function<void(absl::Status)>>(std::move(on_done));
  callbacks.on_done = [done, on_time = call.on_time](
                          absl::Status status,
                          const model::ProposeStats& stats) {
    if (on_time) {
      on_time({backend::BackendTime::Backend::kGenerator,
               absl::Seconds(stats.queue_seconds),
               absl::Seconds(stats.compute_seconds)});
    }
    (*done)(std::move(status));
  };
  absl::Status submitted = scheduler_.Submit(request, std::move(callbacks));
  if (!submitted.ok()) (*done)(std::move(submitted));
}

absl::Status ScheduledPolicy::Propose(
    const backend::ProposeRequest& request, const backend::CallContext& call,
    const std::function<void(backend::Candidate)>& on_candidate) {
  absl::Notification finished;
  absl::Status result;
  StartPropose(request, call, on_candidate, [&](absl::Status status) {
    result = std::move(status);
    finished.Notify();
  });
  finished.WaitForNotification();
  return result;
}

void ScheduledScorer::StartScore(const backend::ScoreRequest& request,
                                 const backend::CallContext& call,
                                 ScoreDone on_done) {
  serving::ScoringScheduler::Callbacks callbacks;
  callbacks.cancelled = call.cancelled;
  callbacks.deadline = call.deadline;
  callbacks.solve = call.solve;
  callbacks.on_time = call.on_time;
  auto done = std::make_shared<ScoreDone>(std::move(on_done));
  callbacks.on_done =
      [done](absl::StatusOr<std::vector<std::vector<double>>> scores) {
        (*done)(std::move(scores));
      };
  absl::Status submitted =
      scheduler_.Submit(request.traces, std::move(callbacks));
  if (!submitted.ok()) (*done)(std::move(submitted));
}

absl::StatusOr<std::vector<std::vector<double>>> ScheduledScorer::Score(
    const backend::ScoreRequest& request, const backend::CallContext& call) {
  absl::Notification finished;
  absl::StatusOr<std::vector<std::vector<double>>> result;
  StartScore(request, call,
             [&](absl::StatusOr<std::vector<std::vector<double>>> scores) {
               result = std::move(scores);
               finished.Notify();
             });
  finished.WaitForNotification();
  return result;
}

}  // namespace arts::backends
