#include "client/generator_client.h"

namespace arts::client {

GeneratorClient::GeneratorClient(std::shared_ptr<grpc::Channel> channel)
    : stub_(arts::v1::Generator::NewStub(std::move(channel))) {}

absl::Status GeneratorClient::Propose(
    const arts::v1::ProposeRequest& request,
    const std::function<void(const arts::v1::Candidate&)>& on_candidate,
    absl::Duration timeout, bool wait_for_ready) {
  grpc::ClientContext context;
  context.set_deadline(absl::ToChronoTime(absl::Now() + timeout));
  context.set_wait_for_ready(wait_for_ready);
  std::unique_ptr<grpc::ClientReader<arts::v1::Candidate>> reader =
      stub_->Propose(&context, request);
  arts::v1::Candidate candidate;
  while (reader->Read(&candidate)) on_candidate(candidate);
  return FromGrpcStatus(reader->Finish());
}

absl::StatusOr<arts::v1::ModelInfo> GeneratorClient::GetModelInfo(
    absl::Duration timeout) {
  return GetModelInfoFrom(*stub_, timeout);
}

}  // namespace arts::client
