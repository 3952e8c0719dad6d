#include "server/verifier_service.h"

#include <chrono>
#include <utility>

#include "absl/status/statusor.h"
#include "backends/grpc/verifier_proto.h"
#include "core/model/transformer.h"
#include "core/verifier/score_request.h"
#include "server/grpc_status.h"

namespace arts::server {
namespace {

constexpr char kLoading[] = "the verifier model is still loading";

// The call ended (deadline or cancellation) before the work was done.
bool CallEnded(const grpc::ServerContext& context) {
  return context.IsCancelled() ||
         context.deadline() <= std::chrono::system_clock::now();
}

}  // namespace

VerifierService::VerifierService(RpcMetrics& metrics,
                                 int max_concurrent_requests)
    : metrics_(metrics), admission_(max_concurrent_requests, "Score") {
  traces_scored_ = &prometheus::BuildCounter()
                        .Name("arts_verifier_traces_scored_total")
                        .Help("Traces scored by the verifier model")
                        .Register(metrics.registry())
                        .Add({});
  prometheus::Histogram::BucketBoundaries buckets;
  for (int n = 1; n <= verifier::kMaxTracesPerRequest; n *= 2) {
    buckets.push_back(n);
  }
  batch_size_ = &prometheus::BuildHistogram()
                     .Name("arts_verifier_batch_size")
                     .Help("Traces per Score call that reached the model")
                     .Register(metrics.registry())
                     .Add({}, buckets);
}

void VerifierService::SetModel(std::unique_ptr<verifier::FlowVerifier> verifier,
                               const std::string& path) {
  model_path_ = path;
  num_parameters_ = verifier->num_parameters();
  verifier_ = std::move(verifier);
  ready_.store(true);
}

grpc::Status VerifierService::Score(grpc::ServerContext* context,
                                    const arts::v1::ScoreRequest* request,
                                    arts::v1::ScoreResponse* response) {
  RpcMetrics::Call call(metrics_, "Score");
  grpc::Status status = DoScore(context, *request, response);
  call.Finish(status);
  return status;
}

grpc::Status VerifierService::DoScore(grpc::ServerContext* context,
                                      const arts::v1::ScoreRequest& request,
                                      arts::v1::ScoreResponse* response) {
  if (!ready_.load()) {
    return grpc::Status(grpc::StatusCode::UNAVAILABLE, kLoading);
  }
  const AdmissionLimit::Ticket ticket = admission_.Admit();
  if (!ticket.admitted()) return admission_.Refusal();

  const backend::ScoreRequest score_request = backends::FromProto(request);
  if (score_request.task != "countdown") {
    return grpc::Status(grpc::StatusCode::INVALID_ARGUMENT,
                        "task: this verifier serves countdown, got '" +
                            score_request.task + "'");
  }
  const std::vector<verifier::TraceRef>& traces = score_request.traces;
  if (absl::Status s = verifier::ValidateScoreRequest(traces); !s.ok()) {
    return ToGrpcStatus(s);
  }
  // Scoring stops between forward passes once the call has ended, and the
  // result of a call that ended during the last pass is dropped.
  absl::StatusOr<std::vector<std::vector<double>>> scores =
      verifier_->Score(traces, [context] { return CallEnded(*context); });
  if (absl::IsCancelled(scores.status())) return EndedCallStatus(*context);
  if (!scores.ok()) return ToGrpcStatus(scores.status());
  batch_size_->Observe(static_cast<double>(traces.size()));
  traces_scored_->Increment(static_cast<double>(traces.size()));
  if (CallEnded(*context)) return EndedCallStatus(*context);
  for (const std::vector<double>& log_flows : *scores) {
    *response->add_scores() = backends::ToProto(log_flows, request.per_step());
  }
  return grpc::Status::OK;
}

grpc::Status VerifierService::GetModelInfo(grpc::ServerContext*,
                                           const arts::v1::GetModelInfoRequest*,
                                           arts::v1::ModelInfo* response) {
  RpcMetrics::Call call(metrics_, "GetModelInfo");
  grpc::Status status;
  if (!ready_.load()) {
    status = grpc::Status(grpc::StatusCode::UNAVAILABLE, kLoading);
  } else {
    FillModelInfo("verifier", model_path_, num_parameters_,
                  verifier_->metadata(), response);
  }
  call.Finish(status);
  return status;
}

}  // namespace arts::server
