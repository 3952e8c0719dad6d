#include "core/serving/generation_scheduler.h"

#include <utility>

#include "core/model/memory_reuse.h"

namespace arts::serving {

// A call waiting in the queue: the prepared job, which the queue may fail.
struct GenerationScheduler::QueuedJob {
  std::unique_ptr<model::ProposeJob> job;

  bool Cancelled() const { return job->cancelled && job->cancelled(); }
  absl::Time Deadline() const { return job->deadline; }
  int Weight() const { return job->rows(); }
  void Fail(absl::Status status) {
    job->on_done(std::move(status), model::ProposeStats());
  }
};

GenerationScheduler::GenerationScheduler(const model::Generator& generator,
                                         GenerationOptions options,
                                         GenerationHooks hooks)
    : generator_(generator),
      options_(options),
      hooks_(std::move(hooks)),
      queue_(options.queue, hooks_.on_queue_wait),
      thread_([this] {
        model::KeepFreedMemoryForReuse();
        Loop();
      }) {}

GenerationScheduler::~GenerationScheduler() {
  stop_.store(true);
  // Closing wakes the loop at once; it then ends the running calls.
  queue_.Close(absl::UnavailableError("the generator is shutting down"));
  thread_.join();
}

absl::Status GenerationScheduler::Submit(const backend::ProposeRequest& request,
                                         Callbacks callbacks) {
  // A cheap refusal first: a full queue costs no validation or encoding.
  if (absl::Status room = queue_.CheckRoom(); !room.ok()) return room;
  absl::StatusOr<std::unique_ptr<model::ProposeJob>> job =
      generator_.Prepare(request);
  if (!job.ok()) return job.status();
  (*job)->on_candidate = std::move(callbacks.on_candidate);
  (*job)->cancelled = std::move(callbacks.cancelled);
  (*job)->deadline = callbacks.deadline;
  (*job)->on_done = std::move(callbacks.on_done);
  auto queued = std::make_unique<QueuedJob>();
  queued->job = *std::move(job);
  return queue_.Push(queued, callbacks.solve);
}

void GenerationScheduler::Loop() {
  std::unique_ptr<model::DecodeBatch> batch =
      generator_.NewDecodeBatch(options_.max_rows, options_.prefix_cache);
  model::FreedMemoryTrimmer trimmer;
  while (!stop_.load()) {
    trimmer.MaybeTrim();
    if (batch->jobs() == 0) queue_.WaitForCalls(absl::Seconds(1));
    if (stop_.load()) break;
    // Calls start in order while all their rows fit beside what is claimed;
    // a call too large for that starts alone, prefix by prefix.
    int budget = batch->unclaimed_rows();
    const bool idle = budget == batch->free_rows();
    bool first = true;
    std::vector<std::unique_ptr<QueuedJob>> taken =
        queue_.Take([&](const QueuedJob& queued) {
          const int rows = queued.job->rows();
          const bool alone =
              idle && first && queued.job->request.num_candidates <= budget;
          first = false;
          if (rows > budget && !alone) return false;
          budget -= rows;
          return true;
        });
    for (auto& queued : taken) batch->Add(std::move(queued->job));
    if (batch->jobs() == 0) continue;
    const model::StepReport report = batch->Step();
    if (hooks_.on_step) {
      hooks_.on_step(report, batch->active_rows(), queue_.depth(),
                     batch->cached_bytes());
    }
  }
  batch.reset();  // ends running calls with CANCELLED
}

}  // namespace arts::serving
