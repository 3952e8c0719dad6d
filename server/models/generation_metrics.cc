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
  const auto counter = [&](const char* name, const char* help) {
    return &prometheus::BuildCounter()
                .Name(name)
                .Help(help)
                .Register(registry)
                .Add({});
  };
  prefix_lookups_ =
      counter("arts_generator_prefix_cache_lookups_total",
              "Prefixes looked up in the prefix cache as they joined a batch");
  prefix_hits_ = counter("arts_generator_prefix_cache_hits_total",
                         "Prefixes that found a cached prefix of themselves");
  positions_reused_ =
      counter("arts_generator_prefix_cache_positions_reused_total",
              "Prefix positions the prefix cache held, so not fed again");
  positions_prefilled_ = counter("arts_generator_positions_prefilled_total",
                                 "Prefix positions fed to the model (prefill)");
  prefix_cache_bytes_ =
      &prometheus::BuildGauge()
           .Name("arts_generator_prefix_cache_bytes")
           .Help("Keys and values the prefix cache holds, in bytes")
           .Register(registry)
           .Add({});
}

serving::GenerationHooks GenerationMetrics::Hooks() {
  serving::GenerationHooks hooks;
  hooks.on_step = [this](const model::StepReport& report, int active_rows,
                         int queue_depth, int64_t cached_bytes) {
    prefix_lookups_->Increment(report.prefix_lookups);
    prefix_hits_->Increment(report.prefix_hits);
    positions_reused_->Increment(report.positions_reused);
    positions_prefilled_->Increment(report.positions_prefilled);
    prefix_cache_bytes_->Set(static_cast<double>(cached_bytes));
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
