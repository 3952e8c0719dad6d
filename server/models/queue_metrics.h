#ifndef ARTS_SERVER_MODELS_QUEUE_METRICS_H_
#define ARTS_SERVER_MODELS_QUEUE_METRICS_H_

#include <prometheus/gauge.h>
#include <prometheus/histogram.h>
#include <prometheus/registry.h>

#include <string>

namespace arts::server {

// The series of a service's call queue, labelled method = `method`:
// arts_queue_depth (calls waiting) and arts_queue_wait_seconds (how long
// calls waited before they ran).
struct QueueMetrics {
  QueueMetrics(prometheus::Registry& registry, const std::string& method);

  prometheus::Gauge* depth;
  prometheus::Histogram* wait;
};

}  // namespace arts::server

#endif  // ARTS_SERVER_MODELS_QUEUE_METRICS_H_
