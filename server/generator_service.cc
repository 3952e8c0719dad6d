#include "server/generator_service.h"

#include "server/grpc_status.h"
#include "server/propose_reactor.h"
#include "server/service_support.h"

namespace arts::server {

GeneratorService::GeneratorService(RpcMetrics& metrics, Options options)
    : metrics_(metrics),
      options_(options),
      queue_(metrics.registry(), "Propose") {
  prometheus::Registry& registry = metrics.registry();
  auto& tokens = prometheus::BuildCounter()
                     .Name("arts_generator_tokens_total")
                     .Help(
                         "Tokens fed to the model, by who wrote them: the "
                         "model (sampled) or the calculator (forced)")
                     .Register(registry);
  tokens_generated_ = &tokens.Add({{"source", "sampled"}});
  tokens_forced_ = &tokens.Add({{"source", "forced"}});
  auto& candidates = prometheus::BuildCounter()
                         .Name("arts_generator_candidates_total")
                         .Help("Candidates streamed, by validity")
                         .Register(registry);
  candidates_valid_ = &candidates.Add({{"valid", "true"}});
  candidates_invalid_ = &candidates.Add({{"valid", "false"}});
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
  first_candidate_ =
      &prometheus::BuildHistogram()
           .Name("arts_generator_time_to_first_candidate_seconds")
           .Help("From a Propose call's arrival to its first candidate")
           .Register(registry)
           .Add({}, prometheus::Histogram::BucketBoundaries{
                        0.001, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5,
                        5, 10});
  active_rows_ = &prometheus::BuildGauge()
                      .Name("arts_generator_active_rows")
                      .Help("Rows in the decode batch after the last step")
                      .Register(registry)
                      .Add({});
}

// The scheduler goes first: its thread reports to this service's metrics.
GeneratorService::~GeneratorService() { scheduler_.reset(); }

serving::GenerationHooks GeneratorService::MetricHooks() {
  serving::GenerationHooks hooks;
  hooks.on_step = [this](const model::StepReport& report, int active_rows,
                         int queue_depth) {
    if (report.rows > 0) rows_per_step_->Observe(report.rows);
    if (report.positions > 0) positions_per_step_->Observe(report.positions);
    active_rows_->Set(active_rows);
    queue_.depth->Set(queue_depth);
  };
  hooks.on_queue_wait = [this](double seconds) {
    queue_.wait->Observe(seconds);
  };
  return hooks;
}

void GeneratorService::SetModel(std::unique_ptr<model::Generator> generator,
                                const std::string& path) {
  model_path_ = path;
  generator_ = std::move(generator);
  scheduler_ = std::make_unique<serving::GenerationScheduler>(
      *generator_, options_, MetricHooks());
  ready_.store(true);
}

grpc::ServerWriteReactor<arts::v1::Candidate>* GeneratorService::Propose(
    grpc::CallbackServerContext* context,
    const arts::v1::ProposeRequest* request) {
  auto* reactor = new ProposeReactor(*this, context);
  reactor->Start(*request);
  return reactor;
}

grpc::ServerUnaryReactor* GeneratorService::GetModelInfo(
    grpc::CallbackServerContext* context, const arts::v1::GetModelInfoRequest*,
    arts::v1::ModelInfo* response) {
  RpcMetrics::Call call(metrics_, "GetModelInfo");
  grpc::Status status;
  if (!ready_.load()) {
    status = grpc::Status(grpc::StatusCode::UNAVAILABLE,
                          "the generator model is still loading");
  } else {
    FillModelInfo("generator", model_path_, generator_->num_parameters(),
                  generator_->metadata(), response);
  }
  call.Finish(status);
  grpc::ServerUnaryReactor* reactor = context->DefaultReactor();
  reactor->Finish(status);
  return reactor;
}

}  // namespace arts::server
