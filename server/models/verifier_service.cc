#include "server/models/verifier_service.h"

#include <utility>

#include "backends/local/exact_scorer.h"
#include "backends/local/load_scorer.h"
#include "core/verifier/score_request.h"
#include "server/models/score_reactor.h"
#include "server/models/service_support.h"

namespace arts::server {

VerifierService::VerifierService(RpcMetrics& metrics, Options options)
    : metrics_(metrics),
      options_(options),
      queue_(metrics.registry(), "Score") {
  prometheus::Registry& registry = metrics.registry();
  traces_scored_ = &prometheus::BuildCounter()
                        .Name("arts_verifier_traces_scored_total")
                        .Help("Traces scored by the verifier model")
                        .Register(registry)
                        .Add({});
  prometheus::Histogram::BucketBoundaries sizes;
  for (int n = 1; n <= verifier::kMaxTracesPerRequest; n *= 2) {
    sizes.push_back(n);
  }
  batch_size_ = &prometheus::BuildHistogram()
                     .Name("arts_verifier_batch_size")
                     .Help(
                         "Traces per batch that reached the model (the "
                         "traces of all the calls batched together)")
                     .Register(registry)
                     .Add({}, sizes);
  calls_per_batch_ = &prometheus::BuildHistogram()
                          .Name("arts_verifier_calls_per_batch")
                          .Help("Score calls batched into one forward pass")
                          .Register(registry)
                          .Add({}, sizes);
  auto& positions = prometheus::BuildCounter()
                        .Name("arts_verifier_positions_total")
                        .Help(
                            "Trace positions scored, by whether the network "
                            "computed them or the prefix cache held them")
                        .Register(registry);
  positions_computed_ = &positions.Add({{"source", "computed"}});
  positions_reused_ = &positions.Add({{"source", "cache"}});
  auto& lookups = prometheus::BuildCounter()
                      .Name("arts_verifier_prefix_cache_lookups_total")
                      .Help(
                          "Traces looked up in the prefix cache, by whether "
                          "a scored prefix was found (hit ratio = hit / all)")
                      .Register(registry);
  cache_hits_ = &lookups.Add({{"result", "hit"}});
  cache_misses_ = &lookups.Add({{"result", "miss"}});
  cache_bytes_ = &prometheus::BuildGauge()
                      .Name("arts_verifier_prefix_cache_bytes")
                      .Help("Bytes the prefix cache holds")
                      .Register(registry)
                      .Add({});
}

// The scheduler goes first: its thread reports to this service's metrics.
VerifierService::~VerifierService() { scheduler_.reset(); }

serving::ScoringHooks VerifierService::MetricHooks() {
  serving::ScoringHooks hooks;
  hooks.on_batch = [this](const serving::ScoreBatchReport& report,
                          int queue_depth) {
    const verifier::ScoreStats& stats = report.stats;
    batch_size_->Observe(static_cast<double>(stats.traces));
    calls_per_batch_->Observe(report.calls);
    positions_computed_->Increment(static_cast<double>(stats.positions));
    positions_reused_->Increment(static_cast<double>(stats.reused_positions));
    // A verifier that never consults the cache makes no lookups: counting
    // its traces as misses would show a 0% hit rate for a cache not in use.
    if (options_.cache_bytes > 0 && consults_cache_.load()) {
      cache_hits_->Increment(static_cast<double>(stats.cache_hits));
      cache_misses_->Increment(
          static_cast<double>(stats.traces - stats.cache_hits));
    }
    cache_bytes_->Set(static_cast<double>(report.cache_bytes));
    queue_.depth->Set(queue_depth);
  };
  hooks.on_queue_wait = [this](double seconds) {
    queue_.wait->Observe(seconds);
  };
  return hooks;
}

void VerifierService::SetModel(std::unique_ptr<verifier::FlowVerifier> verifier,
                               const std::string& path) {
  model_path_ = path;
  num_parameters_ = verifier->num_parameters();
  consults_cache_.store(verifier->uses_prefix_cache());
  verifier_ = std::move(verifier);
  scheduler_ = std::make_unique<serving::ScoringScheduler>(*verifier_, options_,
                                                           MetricHooks());
  ready_.store(true);
}

void VerifierService::SetExactVerifier() {
  model_path_ = std::string(backends::kExactVerifier);
  num_parameters_ = 0;
  exact_ = std::make_unique<backends::ExactScorer>();
  ready_.store(true);
}

grpc::ServerUnaryReactor* VerifierService::Score(
    grpc::CallbackServerContext* context, const arts::v1::ScoreRequest* request,
    arts::v1::ScoreResponse* response) {
  auto* reactor = new ScoreReactor(*this, context, request, response);
  reactor->Start();
  return reactor;
}

grpc::ServerUnaryReactor* VerifierService::GetModelInfo(
    grpc::CallbackServerContext* context, const arts::v1::GetModelInfoRequest*,
    arts::v1::ModelInfo* response) {
  RpcMetrics::Call call(metrics_, "GetModelInfo");
  grpc::Status status;
  if (!ready_.load()) {
    status = grpc::Status(grpc::StatusCode::UNAVAILABLE,
                          "the verifier model is still loading");
  } else if (exact_ != nullptr) {
    FillModelInfo("verifier", model_path_, 0, backends::ExactScorer::Metadata(),
                  response);
  } else {
    FillModelInfo("verifier", model_path_, num_parameters_,
                  verifier_->metadata(), response);
  }
  call.Finish(status);
  grpc::ServerUnaryReactor* reactor = context->DefaultReactor();
  reactor->Finish(status);
  return reactor;
}

}  // namespace arts::server
