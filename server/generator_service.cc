#include "server/generator_service.h"

#include "backends/grpc/generator_proto.h"
#include "server/grpc_status.h"

namespace arts::server {

GeneratorService::GeneratorService(RpcMetrics& metrics,
                                   int max_concurrent_requests)
    : metrics_(metrics), admission_(max_concurrent_requests, "Propose") {
  auto& tokens = prometheus::BuildCounter()
                     .Name("arts_generator_tokens_total")
                     .Help(
                         "Tokens fed to the model, by who wrote them: the "
                         "model (sampled) or the calculator (forced)")
                     .Register(metrics.registry());
  tokens_generated_ = &tokens.Add({{"source", "sampled"}});
  tokens_forced_ = &tokens.Add({{"source", "forced"}});
  auto& candidates = prometheus::BuildCounter()
                         .Name("arts_generator_candidates_total")
                         .Help("Candidates streamed, by validity")
                         .Register(metrics.registry());
  candidates_valid_ = &candidates.Add({{"valid", "true"}});
  candidates_invalid_ = &candidates.Add({{"valid", "false"}});
}

void GeneratorService::SetModel(std::unique_ptr<model::Generator> generator,
                                const std::string& path) {
  model_path_ = path;
  generator_ = std::move(generator);
  ready_.store(true);
}

grpc::Status GeneratorService::Propose(
    grpc::ServerContext* context, const arts::v1::ProposeRequest* request,
    grpc::ServerWriter<arts::v1::Candidate>* writer) {
  RpcMetrics::Call call(metrics_, "Propose");
  grpc::Status status = DoPropose(context, *request, writer);
  call.Finish(status);
  return status;
}

grpc::Status GeneratorService::DoPropose(
    grpc::ServerContext* context, const arts::v1::ProposeRequest& request,
    grpc::ServerWriter<arts::v1::Candidate>* writer) {
  if (!ready_.load()) {
    return grpc::Status(grpc::StatusCode::UNAVAILABLE,
                        "the generator model is still loading");
  }
  const AdmissionLimit::Ticket ticket = admission_.Admit();
  if (!ticket.admitted()) return admission_.Refusal();

  bool write_failed = false;
  model::ProposeStats work_done;
  absl::StatusOr<model::ProposeStats> stats = generator_->Propose(
      backends::FromProto(request),
      [&](model::Candidate candidate) {
        (candidate.valid ? candidates_valid_ : candidates_invalid_)
            ->Increment();
        if (!write_failed && !writer->Write(backends::ToProto(candidate))) {
          write_failed = true;  // the client is gone; stop at the next token
        }
      },
      [&] { return write_failed || context->IsCancelled(); }, &work_done);
  tokens_generated_->Increment(static_cast<double>(work_done.tokens_generated));
  tokens_forced_->Increment(static_cast<double>(work_done.tokens_forced));
  if (!stats.ok()) {
    if (stats.status().code() == absl::StatusCode::kCancelled) {
      return EndedCallStatus(*context);
    }
    return ToGrpcStatus(stats.status());
  }
  if (write_failed) return EndedCallStatus(*context);
  return grpc::Status::OK;
}

grpc::Status GeneratorService::GetModelInfo(
    grpc::ServerContext*, const arts::v1::GetModelInfoRequest*,
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
  return status;
}

}  // namespace arts::server
