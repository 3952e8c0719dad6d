#ifndef ARTS_CLIENT_CHANNEL_H_
#define ARTS_CLIENT_CHANNEL_H_

#include <grpcpp/grpcpp.h>

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

}  // namespace arts::client

#endif  // ARTS_CLIENT_CHANNEL_H_
