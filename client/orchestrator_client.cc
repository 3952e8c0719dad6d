#include "client/orchestrator_client.h"

#include <utility>

#include "client/channel.h"

namespace arts::client {

OrchestratorClient::OrchestratorClient(std::shared_ptr<grpc::Channel> channel)
    : stub_(arts::v1::Orchestrator::NewStub(std::move(channel))) {}

absl::StatusOr<arts::v1::SolveResponse> OrchestratorClient::Solve(
    const arts::v1::SolveRequest& request, absl::Duration timeout,
    bool wait_for_ready) {
  grpc::ClientContext context;
  context.set_deadline(absl::ToChronoTime(absl::Now() + timeout));
  context.set_wait_for_ready(wait_for_ready);
  arts::v1::SolveResponse response;
  absl::Status status =
      FromGrpcStatus(stub_->Solve(&context, request, &response));
  if (!status.ok()) return status;
  return response;
}

absl::Status OrchestratorClient::SolveStream(
    const arts::v1::SolveRequest& request,
    const std::function<void(const arts::v1::SolveEvent&)>& on_event,
    absl::Duration timeout, bool wait_for_ready) {
  return ReadStream<arts::v1::SolveEvent>(
      [&](grpc::ClientContext* context) {
        return stub_->SolveStream(context, request);
      },
      on_event, timeout, wait_for_ready);
}

}  // namespace arts::client
