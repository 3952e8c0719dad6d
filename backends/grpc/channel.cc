#include "backends/grpc/channel.h"

namespace arts::backends {

std::shared_ptr<grpc::Channel> InsecureChannel(const std::string& target) {
  return grpc::CreateChannel(target, grpc::InsecureChannelCredentials());
}

std::shared_ptr<grpc::Channel> BackendChannel(const std::string& target) {
  grpc::ChannelArguments args;
  args.SetServiceConfigJSON(R"json({
    "methodConfig": [{
      "name": [{"service": "arts.v1.Generator"}, {"service": "arts.v1.Verifier"}],
      "retryPolicy": {
        "maxAttempts": 5,
        "initialBackoff": "0.05s",
        "maxBackoff": "2s",
        "backoffMultiplier": 2,
        "retryableStatusCodes": ["RESOURCE_EXHAUSTED"]
      }
    }]
  })json");
  return grpc::CreateCustomChannel(target, grpc::InsecureChannelCredentials(),
                                   args);
}

absl::Status FromGrpcStatus(const grpc::Status& status) {
  if (status.ok()) return absl::OkStatus();
  return absl::Status(static_cast<absl::StatusCode>(status.error_code()),
                      status.error_message());
}

std::unique_ptr<grpc::ClientContext> MakeClientContext(
    const CallSettings& settings) {
  // A child call takes the parent's deadline and cancellation; its own
  // deadline can only make it sooner.
  std::unique_ptr<grpc::ClientContext> context =
      settings.parent != nullptr
          ? grpc::ClientContext::FromServerContext(*settings.parent)
          : std::make_unique<grpc::ClientContext>();
  if (settings.deadline != absl::InfiniteFuture()) {
    context->set_deadline(absl::ToChronoTime(settings.deadline));
  }
  context->set_wait_for_ready(settings.wait_for_ready);
  return context;
}

}  // namespace arts::backends
