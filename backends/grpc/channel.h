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

namespace arts::backends {

// Channel to `target` (host:port or a DNS name) without TLS.
std::shared_ptr<grpc::Channel> InsecureChannel(const std::string& target);

// Channel from the orchestrator to a Generator or Verifier: like
// InsecureChannel, and a call the backend refuses with RESOURCE_EXHAUSTED
// (its queue is full) is retried by gRPC, up to 5 attempts in all, after
// the delay the server's retry pushback names, else with exponential
// backoff from 50 ms. A Propose stream is retried only before its first
// candidate, which is when a refusal comes.
std::shared_ptr<grpc::Channel> BackendChannel(const std::string& target);

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

  static CallSettings Within(absl::Duration timeout) {
    CallSettings settings;
    settings.deadline = absl::Now() + timeout;
    return settings;
  }
};

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
