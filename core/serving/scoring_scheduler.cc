#include "core/serving/scoring_scheduler.h"

#include <utility>

#include "core/model/memory_reuse.h"
#include "core/verifier/score_request.h"

namespace arts::serving {

struct ScoringScheduler::QueuedScore {
  std::vector<verifier::EncodedTrace> traces;
  Callbacks callbacks;
  absl::Time queued_at = absl::Now();

  bool Cancelled() const {
    return callbacks.cancelled && callbacks.cancelled();
  }
  absl::Time Deadline() const { return callbacks.deadline; }
  int Weight() const { return static_cast<int>(traces.size()); }
  void Fail(absl::Status status) { callbacks.on_done(std::move(status)); }
};

ScoringScheduler::ScoringScheduler(const verifier::FlowVerifier& verifier,
                                   ScoringOptions options, ScoringHooks hooks)
    : verifier_(verifier),
      options_(options),
      hooks_(std::move(hooks)),
      cache_(options.cache_bytes > 0
                 ? std::make_unique<verifier::PrefixCache>(options.cache_bytes)
                 : nullptr),
      queue_(options.queue, hooks_.on_queue_wait),
      thread_([this] {
        model::KeepFreedMemoryForReuse();
        Loop();
      }) {}

ScoringScheduler::~ScoringScheduler() {
  stop_.store(true);
  queue_.Close(absl::UnavailableError("the verifier is shutting down"));
  thread_.join();
}

absl::Status ScoringScheduler::Submit(
    const std::vector<backend::TraceRef>& traces, Callbacks callbacks) {
  if (absl::Status room = queue_.CheckRoom(); !room.ok()) return room;
  if (absl::Status valid =
          verifier::ValidateScoreRequest(traces, verifier_.task());
      !valid.ok()) {
    return valid;
  }
  absl::StatusOr<std::vector<verifier::EncodedTrace>> encoded =
      verifier_.Encode(traces);
  if (!encoded.ok()) return encoded.status();
  auto queued = std::make_unique<QueuedScore>();
  queued->traces = *std::move(encoded);
  queued->callbacks = std::move(callbacks);
  const backend::SolveTimes solve = queued->callbacks.solve;
  return queue_.Push(queued, solve);
}

void ScoringScheduler::Loop() {
  model::FreedMemoryTrimmer trimmer;
  while (!stop_.load()) {
    trimmer.MaybeTrim();
    queue_.WaitForBatch(options_.preferred_batch, options_.max_queue_delay,
                        absl::Seconds(1));
    if (stop_.load()) break;
    int traces = 0;
    std::vector<std::unique_ptr<QueuedScore>> calls =
        queue_.Take([&](const QueuedScore& call) {
          if (traces > 0 && traces + call.Weight() > options_.max_batch) {
            return false;
          }
          traces += call.Weight();
          return true;
        });
    if (calls.empty()) continue;
    const absl::Time taken_at = absl::Now();
    std::vector<const verifier::EncodedTrace*> batch;
    for (const auto& call : calls) {
      for (const verifier::EncodedTrace& trace : call->traces) {
        batch.push_back(&trace);
      }
    }
    ScoreBatchReport report;
    report.calls = static_cast<int>(calls.size());
    absl::StatusOr<std::vector<std::vector<double>>> scores =
        verifier_.ScoreEncoded(batch, cache_.get(), &report.stats);
    const absl::Time scored_at = absl::Now();
    // The batch is counted before its replies go: a client that reads the
    // metrics after its reply sees its batch.
    if (cache_ != nullptr) report.cache_bytes = cache_->bytes();
    if (hooks_.on_batch) hooks_.on_batch(report, queue_.depth());
    size_t next = 0;
    for (auto& call : calls) {
      if (!scores.ok()) {
        call->callbacks.on_done(scores.status());
        continue;
      }
      std::vector<std::vector<double>> mine(
          std::make_move_iterator(scores->begin() + next),
          std::make_move_iterator(scores->begin() + next + call->Weight()));
      next += call->Weight();
      if (call->callbacks.on_time) {
        call->callbacks.on_time({backend::BackendTime::Backend::kVerifier,
                                 taken_at - call->queued_at,
                                 scored_at - taken_at});
      }
      call->callbacks.on_done(std::move(mine));
    }
  }
}

}  // namespace arts::serving
