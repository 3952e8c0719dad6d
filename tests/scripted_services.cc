#include "tests/scripted_services.h"

#include <algorithm>
#include <chrono>
#include <string>

#include "absl/time/clock.h"
#include "backends/grpc/generator_proto.h"
#include "backends/grpc/verifier_proto.h"

namespace arts::testing_support {
namespace {

grpc::Status RefuseOtherTasks(const std::string& task) {
  if (task == "text") return grpc::Status::OK;
  return grpc::Status(grpc::StatusCode::INVALID_ARGUMENT,
                      "task: this service serves text, got '" + task + "'");
}

}  // namespace

grpc::Status ToGrpc(const absl::Status& status) {
  return grpc::Status(static_cast<grpc::StatusCode>(status.code()),
                      std::string(status.message()));
}

void FillScriptedInfo(const std::string& kind, const std::string& path,
                      arts::v1::ModelInfo* info) {
  info->set_kind(kind);
  info->set_path(path);
  (*info->mutable_metadata())["task"] = "text";
}

grpc::Status ScriptedGeneratorService::Propose(
    grpc::ServerContext* context, const arts::v1::ProposeRequest* request,
    grpc::ServerWriter<arts::v1::Candidate>* writer) {
  ++started_;
  grpc::Status status = RefuseOtherTasks(request->task());
  if (status.ok()) {
    backend::CallContext call;
    call.deadline = absl::FromChrono(context->deadline());
    call.cancelled = [context] { return context->IsCancelled(); };
    const Fault fault = fault_.load();
    int written = 0;
    const int wanted =
        request->num_candidates() * std::max(1, request->prefixes_size());
    arts::v1::Candidate first;
    status = ToGrpc(policy_.Propose(
        backends::FromProto(*request), call, [&](backend::Candidate c) {
          arts::v1::Candidate out = backends::ToProto(c);
          if (fault == Fault::kHugeStep) {
            for (std::string& step : *out.mutable_steps()) {
              step.assign(1 << 20, 'a');
            }
          }
          if (fault == Fault::kRepeatCandidate) {
            if (written == 0) first = out;
            if (written == wanted - 1) out = first;
          }
          writer->Write(out);
          ++written;
        }));
    if (status.ok() && fault == Fault::kNeverEnds) {
      while (!context->IsCancelled() &&
             std::chrono::system_clock::now() < context->deadline()) {
        absl::SleepFor(absl::Milliseconds(5));
      }
    }
  }
  std::lock_guard<std::mutex> lock(mu_);
  last_end_ = absl::Now();
  last_code_ = status.error_code();
  return status;
}

grpc::Status ScriptedGeneratorService::GetModelInfo(
    grpc::ServerContext*, const arts::v1::GetModelInfoRequest*,
    arts::v1::ModelInfo* info) {
  FillScriptedInfo("generator", "scripted", info);
  return grpc::Status::OK;
}

absl::Time ScriptedGeneratorService::last_end() const {
  std::lock_guard<std::mutex> lock(mu_);
  return last_end_;
}

grpc::StatusCode ScriptedGeneratorService::last_code() const {
  std::lock_guard<std::mutex> lock(mu_);
  return last_code_;
}

grpc::Status ScriptedVerifierService::Score(
    grpc::ServerContext* context, const arts::v1::ScoreRequest* request,
    arts::v1::ScoreResponse* response) {
  if (grpc::Status refused = RefuseOtherTasks(request->task()); !refused.ok()) {
    return refused;
  }
  backend::CallContext call;
  call.deadline = absl::FromChrono(context->deadline());
  absl::StatusOr<std::vector<std::vector<double>>> scores =
      scorer_.Score(backends::FromProto(*request), call);
  if (!scores.ok()) return ToGrpc(scores.status());
  for (const std::vector<double>& flows : *scores) {
    *response->add_scores() = backends::ToProto(flows, request->per_step());
  }
  return grpc::Status::OK;
}

grpc::Status ScriptedVerifierService::GetModelInfo(
    grpc::ServerContext*, const arts::v1::GetModelInfoRequest*,
    arts::v1::ModelInfo* info) {
  FillScriptedInfo("verifier", "scripted", info);
  return grpc::Status::OK;
}

ScriptedServers::ScriptedServers(absl::Duration delay) : generator_(delay) {
  grpc::ServerBuilder builder;
  int port = 0;
  builder.AddListeningPort("127.0.0.1:0", grpc::InsecureServerCredentials(),
                           &port);
  builder.RegisterService(&generator_);
  builder.RegisterService(&verifier_);
  server_ = builder.BuildAndStart();
  address_ = "127.0.0.1:" + std::to_string(port);
}

ScriptedServers::~ScriptedServers() {
  server_->Shutdown(std::chrono::system_clock::now() + std::chrono::seconds(2));
}

}  // namespace arts::testing_support
