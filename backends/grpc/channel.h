#ifndef ARTS_BACKENDS_GRPC_CHANNEL_H_
#define ARTS_BACKENDS_GRPC_CHANNEL_H_

#include <grpcpp/grpcpp.h>

#include <functional>
#include <memory>
#include <string>

#include "absl/status/statusor.h"
#include "absl/time/clock.h"
#include "absl/time/time.h"
#include "arts/v1/common.pb.h"
#include "backends/grpc/channel_security.h"
#include "core/backend/call_context.h"

namespace arts::backends {

// Channel to `target` (host:port or a DNS name) without TLS.
std::shared_ptr<grpc::Channel> InsecureChannel(const std::string& target);

// Channel to `target` secured as `security` says (plaintext without a CA).
// Errors name the flag to fix.
absl::StatusOr<std::shared_ptr<grpc::Channel>> ClientChannel(
    const std::string& target, const ChannelSecurity& security);

// The retry budget of a backend channel (gRPC's retryThrottling): retries
// stop while more than half of kRetryTokens are spent; each failure spends
// one token, each success returns kRetryTokenRatio of one.
inline constexpr int kRetryTokens = 20;
inline constexpr double kRetryTokenRatio = 0.2;

// Channel from the orchestrator to Generator or Verifier replicas. `target`
// is any gRPC target: "host:port", "dns:///name:port" (every address the
// name resolves to, re-resolved when connections fail) or
// "ipv4:host:port,host:port" (a fixed list). Calls are spread over the
// replicas round robin. A call refused with RESOURCE_EXHAUSTED (a full
// queue) or failed with UNAVAILABLE (a replica going away) is retried by
// gRPC on another attempt, up to 5 attempts in all, after the delay the
// server's retry pushback names, else with exponential backoff from 50 ms,
// within the retry budget above. A Propose stream is retried so only before
// its first candidate; GrpcPolicy resumes one that breaks later.
absl::StatusOr<std::shared_ptr<grpc::Channel>> BackendChannel(
    const std::string& target, const ChannelSecurity& security);

// gRPC status to absl::Status (same code numbering).
absl::Status FromGrpcStatus(const grpc::Status& status);

// How one client call is made.
struct CallSettings {
  absl::Time deadline = absl::InfiniteFuture();
  // Wait for a server that is not up yet until the deadline, instead of
  // failing at once with UNAVAILABLE.
  bool wait_for_ready = false;
  // The server call this call is made for, if any: the new call becomes its
  // child, so gRPC cancels it when the parent is cancelled and it never
  // outlives the parent's deadline.
  const grpc::ServerContextBase* parent = nullptr;
  // Sent as "authorization: Bearer <token>" when not empty.
  std::string bearer_token;
  // The Solve the call serves, sent as metadata (solve_metadata.h).
  backend::SolveTimes solve;

  static CallSettings Within(absl::Duration timeout) {
    CallSettings settings;
    settings.deadline = absl::Now() + timeout;
    return settings;
  }
};

// The deadline of one backend call made now for a Solve that must end by
// `solve_deadline`: the sooner of `timeout` from now and the Solve's
// deadline less a margin (a tenth of the time left, 10 ms to 1 s). The
// margin lets a backend that never answers fail its call first, so that the
// Solve ends in time with an error that names the backend, instead of a
// bare DEADLINE_EXCEEDED at the client.
absl::Time BackendCallDeadline(absl::Duration timeout,
                               absl::Time solve_deadline);

// How a GrpcPolicy or GrpcScorer makes one backend call for `call`: its
// deadline (BackendCallDeadline), its parent server call (may be null) and
// its Solve's times as metadata.
CallSettings BackendCallSettings(absl::Duration timeout,
                                 const grpc::ServerContextBase* parent,
                                 const backend::CallContext& call);

// A client context for one call made with `settings`.
std::unique_ptr<grpc::ClientContext> MakeClientContext(
    const CallSettings& settings);

// GetModelInfo on any ARTS service's stub, within `timeout`.
template <typename Stub>
absl::StatusOr<arts::v1::ModelInfo> GetModelInfoFrom(Stub& stub,
                                                     absl::Duration timeout) {
  std::unique_ptr<grpc::ClientContext> context =
      MakeClientContext(CallSettings::Within(timeout));
  arts::v1::ModelInfo info;
  absl::Status status = FromGrpcStatus(
      stub.GetModelInfo(context.get(), arts::v1::GetModelInfoRequest(), &info));
  if (!status.ok()) return status;
  return info;
}

// A unary call made with `settings`.
template <typename Response, typename Call>
absl::StatusOr<Response> CallUnary(const Call& call,
                                   const CallSettings& settings) {
  std::unique_ptr<grpc::ClientContext> context = MakeClientContext(settings);
  Response response;
  absl::Status status = FromGrpcStatus(call(context.get(), &response));
  if (!status.ok()) return status;
  return response;
}

// A server-streaming call: `start` begins it on a context made with
// `settings`, and every message goes to `on_message`.
template <typename Message, typename Start>
absl::Status ReadStream(const Start& start,
                        const std::function<void(const Message&)>& on_message,
                        const CallSettings& settings) {
  std::unique_ptr<grpc::ClientContext> context = MakeClientContext(settings);
  std::unique_ptr<grpc::ClientReader<Message>> reader = start(context.get());
  Message message;
  while (reader->Read(&message)) on_message(message);
  return FromGrpcStatus(reader->Finish());
}

}  // namespace arts::backends

#endif  // ARTS_BACKENDS_GRPC_CHANNEL_H_
