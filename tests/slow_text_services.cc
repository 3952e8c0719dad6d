#include "tests/slow_text_services.h"

#include <grpcpp/alarm.h>

#include <vector>

#include "absl/time/clock.h"
#include "backends/grpc/generator_proto.h"
#include "backends/grpc/verifier_proto.h"
#include "tests/scripted_services.h"

namespace arts::testing_support {
namespace {

gpr_timespec After(absl::Duration latency) {
  return gpr_time_add(
      gpr_now(GPR_CLOCK_MONOTONIC),
      gpr_time_from_micros(absl::ToInt64Microseconds(latency), GPR_TIMESPAN));
}

// One Propose: the candidates are drawn at once, then written after the
// latency, one at a time; OnDone deletes the reactor.
class SlowPropose final : public grpc::ServerWriteReactor<arts::v1::Candidate> {
 public:
  SlowPropose(ScriptedPolicy& policy, grpc::CallbackServerContext* context,
              const arts::v1::ProposeRequest& request, absl::Duration latency) {
    backend::CallContext call;
    call.deadline = absl::FromChrono(context->deadline());
    status_ = ToGrpc(policy.Propose(
        backends::FromProto(request), call, [this](backend::Candidate c) {
          candidates_.push_back(backends::ToProto(c));
        }));
    alarm_.Set(After(latency), [this](bool) { WriteNext(); });
  }

  void OnWriteDone(bool ok) override {
    if (!ok) return Finish(grpc::Status(grpc::StatusCode::CANCELLED, "gone"));
    WriteNext();
  }
  void OnDone() override { delete this; }

 private:
  void WriteNext() {
    if (!status_.ok() || next_ == candidates_.size()) return Finish(status_);
    StartWrite(&candidates_[next_++]);
  }

  grpc::Alarm alarm_;
  std::vector<arts::v1::Candidate> candidates_;
  size_t next_ = 0;
  grpc::Status status_;
};

}  // namespace

grpc::ServerWriteReactor<arts::v1::Candidate>* SlowTextGenerator::Propose(
    grpc::CallbackServerContext* context,
    const arts::v1::ProposeRequest* request) {
  ++calls_;
  return new SlowPropose(policy_, context, *request, latency_);
}

grpc::ServerUnaryReactor* SlowTextGenerator::GetModelInfo(
    grpc::CallbackServerContext* context, const arts::v1::GetModelInfoRequest*,
    arts::v1::ModelInfo* info) {
  FillScriptedInfo("generator", "scripted, slow", info);
  grpc::ServerUnaryReactor* reactor = context->DefaultReactor();
  reactor->Finish(grpc::Status::OK);
  return reactor;
}

grpc::ServerUnaryReactor* SlowTextVerifier::Score(
    grpc::CallbackServerContext* context, const arts::v1::ScoreRequest* request,
    arts::v1::ScoreResponse* response) {
  ++calls_;
  backend::CallContext call;
  call.deadline = absl::FromChrono(context->deadline());
  absl::StatusOr<std::vector<std::vector<double>>> scores =
      scorer_.Score(backends::FromProto(*request), call);
  grpc::Status status =
      scores.ok() ? grpc::Status::OK : ToGrpc(scores.status());
  if (scores.ok()) {
    for (const std::vector<double>& flows : *scores) {
      *response->add_scores() = backends::ToProto(flows, request->per_step());
    }
  }
  grpc::ServerUnaryReactor* reactor = context->DefaultReactor();
  // The alarm lives until it fires; it owns nothing else.
  auto* alarm = new grpc::Alarm;
  alarm->Set(After(latency_), [reactor, status, alarm](bool) {
    reactor->Finish(status);
    delete alarm;
  });
  return reactor;
}

grpc::ServerUnaryReactor* SlowTextVerifier::GetModelInfo(
    grpc::CallbackServerContext* context, const arts::v1::GetModelInfoRequest*,
    arts::v1::ModelInfo* info) {
  FillScriptedInfo("verifier", "scripted, slow", info);
  grpc::ServerUnaryReactor* reactor = context->DefaultReactor();
  reactor->Finish(grpc::Status::OK);
  return reactor;
}

SlowTextServers::SlowTextServers(absl::Duration latency,
                                 const std::string& address)
    : generator_(latency), verifier_(latency) {
  grpc::ServerBuilder builder;
  int port = 0;
  builder.AddListeningPort(address, grpc::InsecureServerCredentials(), &port);
  builder.RegisterService(&generator_);
  builder.RegisterService(&verifier_);
  server_ = builder.BuildAndStart();
  address_ = address.substr(0, address.rfind(':') + 1) + std::to_string(port);
}

SlowTextServers::~SlowTextServers() {
  server_->Shutdown(std::chrono::system_clock::now() + std::chrono::seconds(2));
}

}  // namespace arts::testing_support
