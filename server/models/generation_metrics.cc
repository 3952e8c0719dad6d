#include "server/models/generation_metrics.h"

namespace arts::server {

GenerationMetrics::GenerationMetrics(prometheus::Registry& registry)
    : queue_(registry, "Propose") {
  rows_per_step_ =
      &prometheus::BuildHistogram()
           .Name("arts_generator_rows_per_step")
           .Help("Rows (candidates of all calls) that fed a decode step")
           .Register(registry)
           .Add({}, prometheus::Histogram::BucketBoundaries{1, 2, 4, 8, 16, 32,
                                                            64, 128, 256, 512});
  positions_per_step_ =
      &prometheus::BuildHistogram()
           .Name("arts_generator_positions_per_step")
           .Help("Positions (tokens) a decode step fed, prefills included")
           .Register(registry)
           .Add({}, prometheus::Histogram::BucketBoundaries{1, 4, 16, 64, 256,
                                                            1024, 4096});
  calls_per_step_ = &prometheus::BuildHistogram()
                         .Name("arts_generator_calls_per_step")
                         .Help("Propose calls whose rows shared a decode step")
                         .Register(registry)
                         .Add({}, prometheus::Histogram::BucketBoundaries{
                                      1, 2, 4, 8, 16, 32, 64, 128, 256});
  active_rows_ = &prometheus::BuildGauge()
                      .Name("arts_generator_active_rows")
                      .Help("Rows in the decode batch after the last step")
                      .Register(registry)
                      .Add({});
}

serving::GenerationHooks GenerationMetrics::Hooks() {
  serving::GenerationHooks hooks;
  hooks.on_step = [this](const model::StepReport& report, int active_rows,
                         int queue_depth) {
    if (report.rows > 0) rows_per_step_->Observe(report.rows);
    if (report.positions > 0) positions_per_step_->Observe(report.positions);
    if (report.calls > 0) calls_per_step_->Observe(report.calls);
    active_rows_->Set(active_rows);
    queue_.depth->Set(queue_depth);
  };
  hooks.on_queue_wait = [this](double seconds) {
    queue_.wait->Observe(seconds);
  };
  return hooks;
}

}  // namespace arts::server
