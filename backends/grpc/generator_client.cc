#include "backends/grpc/generator_client.h"

namespace arts::backends {

GeneratorClient::GeneratorClient(std::shared_ptr<grpc::Channel> channel)
    : stub_(arts::v1::Generator::NewStub(std::move(channel))) {}

absl::Status GeneratorClient::Propose(
    const arts::v1::ProposeRequest& request,
    const std::function<void(const arts::v1::Candidate&)>& on_candidate,
    const CallSettings& settings) {
  return ReadStream<arts::v1::Candidate>(
      [&](grpc::ClientContext* context) {
        return stub_->Propose(context, request);
      },
      on_candidate, settings);
}

absl::Status GeneratorClient::Propose(
    const arts::v1::ProposeRequest& request,
    const std::function<void(const arts::v1::Candidate&)>& on_candidate,
    absl::Duration timeout, bool wait_for_ready) {
  CallSettings settings = CallSettings::Within(timeout);
  settings.wait_for_ready = wait_for_ready;
  return Propose(request, on_candidate, settings);
}

void GeneratorClient::StartPropose(
    grpc::ClientContext* context, const arts::v1::ProposeRequest* request,
    grpc::ClientReadReactor<arts::v1::Candidate>* reactor) {
  stub_->async()->Propose(context, request, reactor);
}

absl::StatusOr<arts::v1::ModelInfo> GeneratorClient::GetModelInfo(
    absl::Duration timeout) {
  return GetModelInfoFrom(*stub_, timeout);
}

}  // namespace arts::backends
