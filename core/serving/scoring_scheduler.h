#ifndef ARTS_CORE_SERVING_SCORING_SCHEDULER_H_
#define ARTS_CORE_SERVING_SCORING_SCHEDULER_H_

#include <atomic>
#include <cstdint>
#include <functional>
#include <memory>
#include <thread>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "core/backend/call_queue.h"
#include "core/backend/scorer.h"
#include "core/verifier/flow_verifier.h"
#include "core/verifier/prefix_cache.h"

namespace arts::serving {

struct ScoringOptions {
  // Dynamic batching, as Triton's: a batch is scored once its traces reach
  // `preferred_batch`, or once its first call has waited `max_queue_delay`.
  int preferred_batch = 64;
  absl::Duration max_queue_delay = absl::Milliseconds(2);
  // The most traces in one forward pass (a call larger than that is scored
  // alone).
  int max_batch = 256;
  backend::QueueLimits queue{256, absl::InfiniteDuration()};
  // The prefix cache's budget; 0 turns incremental scoring off.
  int64_t cache_bytes = int64_t{512} << 20;
};

// What one batch did, for metrics.
struct ScoreBatchReport {
  int calls = 0;
  verifier::ScoreStats stats;
  int64_t cache_bytes = 0;  // what the prefix cache holds after the batch
};

struct ScoringHooks {
  std::function<void(const ScoreBatchReport&, int queue_depth)> on_batch;
  std::function<void(double seconds)> on_queue_wait;
};

// Owns the verifier's model for serving: one thread scores the traces of
// all queued Score calls together (dynamic batching), reusing the keys and
// values of prefixes it scored recently (incremental scoring).
//
// Ownership of a call: Submit validates and encodes it and hands it to the
// queue (or refuses it, and nothing is called back); the scheduler's thread
// takes it into a batch and calls on_done exactly once. A call cancelled or
// past its deadline before its batch runs ends without model work.
class ScoringScheduler {
 public:
  // `verifier` must outlive the scheduler.
  ScoringScheduler(const verifier::FlowVerifier& verifier,
                   ScoringOptions options, ScoringHooks hooks = {});
  // Fails queued calls with UNAVAILABLE.
  ~ScoringScheduler();

  struct Callbacks {
    std::function<bool()> cancelled;
    absl::Time deadline = absl::InfiniteFuture();
    std::function<void(absl::StatusOr<std::vector<std::vector<double>>>)>
        on_done;
    // The Solve the call serves, which orders the queue (backend::CallQueue).
    backend::SolveTimes solve;
    // If set, the call's queue wait and compute time, just before on_done
    // gives its scores.
    std::function<void(const backend::BackendTime&)> on_time;
  };

  // Queues a call. Returns, without calling back: INVALID_ARGUMENT naming
  // the field for bad traces (verifier::ValidateScoreRequest, or a trace
  // too long for the model), RESOURCE_EXHAUSTED with a retry delay when the
  // queue is full, UNAVAILABLE when shutting down.
  absl::Status Submit(const std::vector<backend::TraceRef>& traces,
                      Callbacks callbacks);

 private:
  struct QueuedScore;

  void Loop();

  const verifier::FlowVerifier& verifier_;
  const ScoringOptions options_;
  const ScoringHooks hooks_;
  std::unique_ptr<verifier::PrefixCache> cache_;  // null when off
  backend::CallQueue<QueuedScore> queue_;
  std::atomic<bool> stop_{false};
  std::thread thread_;
};

}  // namespace arts::serving

#endif  // ARTS_CORE_SERVING_SCORING_SCHEDULER_H_
