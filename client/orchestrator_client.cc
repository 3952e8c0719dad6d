#include "client/orchestrator_client.h"

#include <utility>

namespace arts::client {

OrchestratorClient::OrchestratorClient(std::shared_ptr<grpc::Channel> channel,
                                       std::string bearer_token)
    : stub_(arts::v1::Orchestrator::NewStub(std::move(channel))),
      bearer_token_(std::move(bearer_token)) {}

backends::CallSettings OrchestratorClient::Settings(absl::Duration timeout,
                                                    bool wait_for_ready) const {
  backends::CallSettings settings = backends::CallSettings::Within(timeout);
  settings.wait_for_ready = wait_for_ready;
  settings.bearer_token = bearer_token_;
  return settings;
}

absl::StatusOr<arts::v1::SolveResponse> OrchestratorClient::Solve(
    const arts::v1::SolveRequest& request, absl::Duration timeout,
    bool wait_for_ready) {
  return backends::CallUnary<arts::v1::SolveResponse>(
      [&](grpc::ClientContext* context, arts::v1::SolveResponse* response) {
        return stub_->Solve(context, request, response);
      },
      Settings(timeout, wait_for_ready));
}

absl::Status OrchestratorClient::SolveStream(
    const arts::v1::SolveRequest& request,
    const std::function<void(const arts::v1::SolveEvent&)>& on_event,
    absl::Duration timeout, bool wait_for_ready) {
  return backends::ReadStream<arts::v1::SolveEvent>(
      [&](grpc::ClientContext* context) {
        return stub_->SolveStream(context, request);
      },
      on_event, Settings(timeout, wait_for_ready));
}

}  // namespace arts::client
