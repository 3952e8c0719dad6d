#include "server/models/generator_service.h"

#include "server/grpc_status.h"
#include "server/models/propose_reactor.h"
#include "server/models/service_support.h"

namespace arts::server {

GeneratorService::GeneratorService(RpcMetrics& metrics, Options options)
    : metrics_(metrics), options_(options), step_metrics_(metrics.registry()) {
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
  first_candidate_ =
      &prometheus::BuildHistogram()
           .Name("arts_generator_time_to_first_candidate_seconds")
           .Help("From a Propose call's arrival to its first candidate")
           .Register(registry)
           .Add({}, prometheus::Histogram::BucketBoundaries{
                        0.001, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5,
                        5, 10});
}

// The scheduler and the policy go first: their threads report to this
// service's metrics.
GeneratorService::~GeneratorService() {
  scheduler_.reset();
  policy_.reset();
}

void GeneratorService::SetModel(std::unique_ptr<model::Generator> generator,
                                const std::string& path) {
  model_path_ = path;
  generator_ = std::move(generator);
  scheduler_ = std::make_unique<serving::GenerationScheduler>(
      *generator_, options_, step_metrics_.Hooks());
  ready_.store(true);
}

void GeneratorService::SetPolicy(std::unique_ptr<backend::Policy> policy,
                                 const std::string& where,
                                 std::map<std::string, std::string> metadata) {
  model_path_ = where;
  policy_ = std::move(policy);
  policy_metadata_ = std::move(metadata);
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
  } else if (policy_ != nullptr) {
    FillModelInfo("generator", model_path_, 0, policy_metadata_, response);
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
