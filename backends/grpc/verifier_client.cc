#include "backends/grpc/verifier_client.h"

#include <utility>

namespace arts::backends {

VerifierClient::VerifierClient(std::shared_ptr<grpc::Channel> channel)
    : stub_(arts::v1::Verifier::NewStub(std::move(channel))) {}

absl::StatusOr<arts::v1::ScoreResponse> VerifierClient::Score(
    const arts::v1::ScoreRequest& request, const CallSettings& settings) {
  return CallUnary<arts::v1::ScoreResponse>(
      [&](grpc::ClientContext* context, arts::v1::ScoreResponse* response) {
        return stub_->Score(context, request, response);
      },
      settings);
}

absl::StatusOr<arts::v1::ScoreResponse> VerifierClient::Score(
    const arts::v1::ScoreRequest& request, absl::Duration timeout,
    bool wait_for_ready) {
  CallSettings settings = CallSettings::Within(timeout);
  settings.wait_for_ready = wait_for_ready;
  return Score(request, settings);
}

void VerifierClient::StartScore(grpc::ClientContext* context,
                                const arts::v1::ScoreRequest* request,
                                arts::v1::ScoreResponse* response,
                                std::function<void(grpc::Status)> done) {
  stub_->async()->Score(context, request, response, std::move(done));
}

absl::StatusOr<arts::v1::ModelInfo> VerifierClient::GetModelInfo(
    absl::Duration timeout) {
  return GetModelInfoFrom(*stub_, timeout);
}

}  // namespace arts::backends
