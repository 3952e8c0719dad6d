#include "server/models/queue_metrics.h"

namespace arts::server {

QueueMetrics::QueueMetrics(prometheus::Registry& registry,
                           const std::string& method) {
  depth = &prometheus::BuildGauge()
               .Name("arts_queue_depth")
               .Help("Calls waiting in the queue")
               .Register(registry)
               .Add({{"method", method}});
  wait = &prometheus::BuildHistogram()
              .Name("arts_queue_wait_seconds")
              .Help("Time calls waited in the queue before they ran")
              .Register(registry)
              .Add({{"method", method}},
                   prometheus::Histogram::BucketBoundaries{
                       0.0005, 0.001, 0.005, 0.01, 0.05, 0.1, 0.5, 1, 5, 10});
}

}  // namespace arts::server
