#ifndef ARTS_SERVER_GRPC_STATUS_H_
#define ARTS_SERVER_GRPC_STATUS_H_

#include <grpcpp/grpcpp.h>

#include "absl/status/status.h"

namespace arts::server {

// absl and gRPC share the canonical code numbering.
grpc::Status ToGrpcStatus(const absl::Status& status);

// The status for work that stopped because the call ended: DEADLINE_EXCEEDED
// when the deadline has passed, otherwise CANCELLED (the client went away).
grpc::Status EndedCallStatus(const grpc::ServerContext& context);

}  // namespace arts::server

#endif  // ARTS_SERVER_GRPC_STATUS_H_
