#ifndef ARTS_CLIENT_CHANNEL_H_
#define ARTS_CLIENT_CHANNEL_H_

#include <grpcpp/grpcpp.h>

#include <functional>
#include <memory>
#include <string>

#include "absl/status/statusor.h"
#include "absl/time/clock.h"
#include "absl/time/time.h"
#include "arts/v1/common.pb.h"

namespace arts::client {

// Channel to `target` (host:port or a DNS name) without TLS.
std::shared_ptr<grpc::Channel> InsecureChannel(const std::string& target);

// gRPC status to absl::Status (same code numbering).
absl::Status FromGrpcStatus(const grpc::Status& status);

// GetModelInfo on any ARTS service's stub, within `timeout`.
template <typename Stub>
absl::StatusOr<arts::v1::ModelInfo> GetModelInfoFrom(Stub& stub,
                                                     absl::Duration timeout) {
  grpc::ClientContext context;
  context.set_deadline(absl::ToChronoTime(absl::Now() + timeout));
  arts::v1::ModelInfo info;
  absl::Status status = FromGrpcStatus(
      stub.GetModelInfo(&context, arts::v1::GetModelInfoRequest(), &info));
  if (!status.ok()) return status;
  return info;
}

// A server-streaming call: `start` begins it on a context with the timeout
// and wait-for-ready set, and every message goes to `on_message`.
template <typename Message, typename Start>
absl::Status ReadStream(const Start& start,
                        const std::function<void(const Message&)>& on_message,
                        absl::Duration timeout, bool wait_for_ready) {
  grpc::ClientContext context;
  context.set_deadline(absl::ToChronoTime(absl::Now() + timeout));
  context.set_wait_for_ready(wait_for_ready);
  std::unique_ptr<grpc::ClientReader<Message>> reader = start(&context);
  Message message;
  while (reader->Read(&message)) on_message(message);
  return FromGrpcStatus(reader->Finish());
}

}  // namespace arts::client

#endif  // ARTS_CLIENT_CHANNEL_H_
