#include "server/generator_service.h"

#include "server/grpc_status.h"

namespace arts::server {

model::ProposeRequest FromProto(const arts::v1::ProposeRequest& request) {
  model::ProposeRequest out;
  out.problem = request.problem();
  out.steps.assign(request.steps().begin(), request.steps().end());
  out.num_candidates =
      request.num_candidates() == 0 ? 1 : request.num_candidates();
  out.max_steps = request.max_steps();
  const arts::v1::SamplingParams& s = request.sampling();
  out.sampling.temperature = s.has_temperature() ? s.temperature() : 1.0;
  out.sampling.top_k = s.top_k();
  out.sampling.top_p = s.has_top_p() ? s.top_p() : 1.0;
  out.sampling.seed = s.seed();
  out.sampling.constrained = s.constrained();
  return out;
}

arts::v1::Candidate ToProto(const model::Candidate& candidate) {
  arts::v1::Candidate out;
  out.set_index(candidate.index);
  for (const std::string& step : candidate.steps) out.add_steps(step);
  out.set_logprob(candidate.logprob);
  out.set_num_tokens(candidate.num_tokens);
  out.set_terminal(candidate.terminal);
  out.set_valid(candidate.valid);
  out.set_invalid_reason(candidate.invalid_reason);
  return out;
}

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
      FromProto(request),
      [&](model::Candidate candidate) {
        (candidate.valid ? candidates_valid_ : candidates_invalid_)
            ->Increment();
        if (!write_failed && !writer->Write(ToProto(candidate))) {
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
