#include "client/verifier_client.h"

#include <utility>

namespace arts::client {

VerifierClient::VerifierClient(std::shared_ptr<grpc::Channel> channel)
    : stub_(arts::v1::Verifier::NewStub(std::move(channel))) {}

absl::StatusOr<arts::v1::ScoreResponse> VerifierClient::Score(
    const arts::v1::ScoreRequest& request, absl::Duration timeout,
    bool wait_for_ready) {
  grpc::ClientContext context;
  context.set_deadline(absl::ToChronoTime(absl::Now() + timeout));
  context.set_wait_for_ready(wait_for_ready);
  arts::v1::ScoreResponse response;
  absl::Status status =
      FromGrpcStatus(stub_->Score(&context, request, &response));
  if (!status.ok()) return status;
  return response;
}

absl::StatusOr<arts::v1::ModelInfo> VerifierClient::GetModelInfo(
    absl::Duration timeout) {
  return GetModelInfoFrom(*stub_, timeout);
}

}  // namespace arts::client
