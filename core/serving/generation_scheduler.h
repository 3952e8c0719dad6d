#ifndef ARTS_CORE_SERVING_GENERATION_SCHEDULER_H_
#define ARTS_CORE_SERVING_GENERATION_SCHEDULER_H_

#include <atomic>
#include <cstdint>
#include <functional>
#include <memory>
#include <thread>

#include "absl/status/status.h"
#include "absl/time/time.h"
#include "core/backend/call_queue.h"
#include "core/backend/policy.h"
#include "core/model/decode_batch.h"
#include "core/model/generator.h"

namespace arts::serving {

struct GenerationOptions {
  // Rows (candidates being sampled) that share a decode step; each holds a
  // slot of keys and values (about 1.3 MB with the bundled model).
  int max_rows = 256;
  backend::QueueLimits queue{256, absl::Seconds(10)};
  // Keep finished candidates' keys and values in idle slots, so that the
  // next round's prefixes, which extend them, prefill only their new tokens
  // (model::PrefixIndex).
  bool prefix_cache = true;
};

// What the scheduler reports for metrics, from its own thread.
struct GenerationHooks {
  // After each step; `cached_bytes`: what the prefix cache holds.
  std::function<void(const model::StepReport&, int active_rows, int queue_depth,
                     int64_t cached_bytes)>
      on_step;
  std::function<void(double seconds)> on_queue_wait;
};

// Owns the generator's model for serving, like llama.cpp's server loop: one
// thread steps one DecodeBatch, and every Propose call is a queued task
// whose rows join the batch at a step boundary and leave as they finish.
//
// Ownership of a call: Submit hands it to the queue (or refuses it at once,
// and then nothing is called back); the queue hands it to the batch; the
// batch calls on_done exactly once, from the scheduler's thread, after the
// last on_candidate. A call cancelled or past its deadline while queued
// ends without model work; while sampling, its rows leave at the next step.
class GenerationScheduler {
 public:
  // `generator` must outlive the scheduler.
  GenerationScheduler(const model::Generator& generator,
                      GenerationOptions options, GenerationHooks hooks = {});
  // Fails queued calls with UNAVAILABLE and running ones with CANCELLED.
  ~GenerationScheduler();

  // The callbacks of a call; see model::ProposeJob.
  struct Callbacks {
    std::function<void(backend::Candidate)> on_candidate;
    std::function<bool()> cancelled;
    absl::Time deadline = absl::InfiniteFuture();
    std::function<void(absl::Status, const model::ProposeStats&)> on_done;
    // The Solve the call serves, which orders the queue (backend::CallQueue).
    backend::SolveTimes solve;
  };

  // Queues a call. Returns, without calling back: RESOURCE_EXHAUSTED with a
  // retry delay (backend::RetryAfter) when the queue is full,
  // INVALID_ARGUMENT for a bad request, UNAVAILABLE when shutting down.
  absl::Status Submit(const backend::ProposeRequest& request,
                      Callbacks callbacks);

 private:
  struct QueuedJob;

  void Loop();

  const model::Generator& generator_;
  const GenerationOptions options_;
  const GenerationHooks hooks_;
  backend::CallQueue<QueuedJob> queue_;
  std::atomic<bool> stop_{false};
  std::thread thread_;
};

}  // namespace arts::serving

#endif  // ARTS_CORE_SERVING_GENERATION_SCHEDULER_H_
