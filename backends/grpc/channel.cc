#include "backends/grpc/channel.h"

#include <algorithm>
#include <utility>

#include "absl/strings/str_cat.h"
#include "backends/grpc/solve_metadata.h"

namespace arts::backends {

std::shared_ptr<grpc::Channel> InsecureChannel(const std::string& target) {
  return grpc::CreateChannel(target, grpc::InsecureChannelCredentials());
}

namespace {

// Client keepalive: a ping after 60 s without traffic finds a peer that
// vanished without closing its connections (a node lost); servers permit
// pings every 30 s (kMinClientPingIntervalMs, server/server_runner.h).
constexpr int kKeepaliveTimeMs = 60'000;
constexpr int kKeepaliveTimeoutMs = 20'000;

// The largest message a client accepts, as the servers do.
constexpr int kMaxMessageBytes = 16 << 20;

absl::StatusOr<std::shared_ptr<grpc::Channel>> MakeChannel(
    const std::string& target, const ChannelSecurity& security,
    grpc::ChannelArguments args) {
  absl::StatusOr<std::shared_ptr<grpc::ChannelCredentials>> credentials =
      MakeChannelCredentials(security);
  if (!credentials.ok()) return credentials.status();
  if (!security.server_name.empty()) {
    args.SetSslTargetNameOverride(security.server_name);
  }
  args.SetMaxReceiveMessageSize(kMaxMessageBytes);
  return grpc::CreateCustomChannel(target, *credentials, args);
}

}  // namespace

absl::StatusOr<std::shared_ptr<grpc::Channel>> ClientChannel(
    const std::string& target, const ChannelSecurity& security) {
  return MakeChannel(target, security, grpc::ChannelArguments());
}

absl::StatusOr<std::shared_ptr<grpc::Channel>> BackendChannel(
    const std::string& target, const ChannelSecurity& security) {
  grpc::ChannelArguments args;
  args.SetServiceConfigJSON(absl::StrCat(
      R"json({
    "loadBalancingConfig": [{"round_robin": {}}],
    "methodConfig": [{
      "name": [{"service": "arts.v1.Generator"}, {"service": "arts.v1.Verifier"}],
      "retryPolicy": {
        "maxAttempts": 5,
        "initialBackoff": "0.05s",
        "maxBackoff": "2s",
        "backoffMultiplier": 2,
        "retryableStatusCodes": ["RESOURCE_EXHAUSTED", "UNAVAILABLE"]
      }
    }],
    "retryThrottling": {"maxTokens": )json",
      kRetryTokens, R"json(, "tokenRatio": )json", kRetryTokenRatio, "}}"));
  args.SetInt(GRPC_ARG_KEEPALIVE_TIME_MS, kKeepaliveTimeMs);
  args.SetInt(GRPC_ARG_KEEPALIVE_TIMEOUT_MS, kKeepaliveTimeoutMs);
  return MakeChannel(target, security, std::move(args));
}

absl::Status FromGrpcStatus(const grpc::Status& status) {
  if (status.ok()) return absl::OkStatus();
  return absl::Status(static_cast<absl::StatusCode>(status.error_code()),
                      status.error_message());
}

absl::Time BackendCallDeadline(absl::Duration timeout,
                               absl::Time solve_deadline) {
  const absl::Time now = absl::Now();
  if (solve_deadline == absl::InfiniteFuture()) return now + timeout;
  const absl::Duration margin = std::clamp(
      (solve_deadline - now) / 10, absl::Milliseconds(10), absl::Seconds(1));
  return std::min(now + timeout, solve_deadline - margin);
}

CallSettings BackendCallSettings(absl::Duration timeout,
                                 const grpc::ServerContextBase* parent,
                                 const backend::CallContext& call) {
  CallSettings settings;
  settings.deadline = BackendCallDeadline(timeout, call.deadline);
  settings.parent = parent;
  settings.solve = call.solve;
  return settings;
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
  if (!settings.bearer_token.empty()) {
    context->AddMetadata("authorization",
                         absl::StrCat("Bearer ", settings.bearer_token));
  }
  AddSolveMetadata(settings.solve, *context);
  return context;
}

}  // namespace arts::backends
