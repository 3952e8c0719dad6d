#include "client/orchestrator_client.h"

#include <utility>

#include "backends/grpc/channel.h"

namespace arts::client {
namespace {

backends::CallSettings Settings(absl::Duration timeout, bool wait_for_ready) {
  backends::CallSettings settings = backends::CallSettings::Within(timeout);
  settings.wait_for_ready = wait_for_ready;
  return settings;
}

}  // namespace

OrchestratorClient::OrchestratorClient(std::shared_ptr<grpc::Channel> channel)
    : stub_(arts::v1::Orchestrator::NewStub(std::move(channel))) {}

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
