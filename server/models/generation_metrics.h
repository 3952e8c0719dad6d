#ifndef ARTS_SERVER_MODELS_GENERATION_METRICS_H_
#define ARTS_SERVER_MODELS_GENERATION_METRICS_H_

#include <prometheus/counter.h>
#include <prometheus/gauge.h>
#include <prometheus/histogram.h>
#include <prometheus/registry.h>

#include "core/serving/generation_scheduler.h"
#include "server/models/queue_metrics.h"

namespace arts::server {

// The metrics of a GenerationScheduler's steps, wherever the scheduler runs
// (arts-generator, arts-orchestrator-local): rows, positions and calls per
// decode step (more than one call: the rows of several calls, and so of
// several searches, shared the step), rows active, the prefix cache's
// lookups, hits, positions reused and bytes, the prefix positions fed, and
// the queue's depth and waits (method Propose).
class GenerationMetrics {
 public:
  explicit GenerationMetrics(prometheus::Registry& registry);

  // Hooks that report to these metrics, from the scheduler's thread; they
  // must not outlive this object.
  serving::GenerationHooks Hooks();

 private:
  prometheus::Histogram* rows_per_step_;
  prometheus::Histogram* positions_per_step_;
  prometheus::Histogram* calls_per_step_;
  prometheus::Gauge* active_rows_;
  prometheus::Counter* prefix_lookups_;
  prometheus::Counter* prefix_hits_;
  prometheus::Counter* positions_reused_;
  prometheus::Counter* positions_prefilled_;
  prometheus::Gauge* prefix_cache_bytes_;
  QueueMetrics queue_;
};

}  // namespace arts::server

#endif  // ARTS_SERVER_MODELS_GENERATION_METRICS_H_
