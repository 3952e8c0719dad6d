#ifndef ARTS_SERVER_GRPC_STATUS_H_
#define ARTS_SERVER_GRPC_STATUS_H_

#include <grpcpp/grpcpp.h>

#include "absl/status/status.h"

namespace arts::server {

// absl and gRPC share the canonical code numbering. With a context, a
// refusal that says when to retry (backend::OverloadedError) also sets the
// grpc-retry-pushback-ms trailer, which gRPC's retry policy honours.
grpc::Status ToGrpcStatus(const absl::Status& status,
                          grpc::ServerContextBase* context = nullptr);

// The status for work that stopped because the call ended: DEADLINE_EXCEEDED
// when the deadline has passed, otherwise CANCELLED (the client went away).
// `why` (if not OK) is kept when it says DEADLINE_EXCEEDED itself, e.g. a
// deadline that passed while the call was queued.
grpc::Status EndedCallStatus(const grpc::ServerContextBase& context,
                             const absl::Status& why = absl::OkStatus());

// The status a call finishes with when its work ended with `status`: work
// that stopped because the call ended is told as EndedCallStatus, anything
// else as ToGrpcStatus (with retry pushback).
grpc::Status FinalCallStatus(const absl::Status& status,
                             grpc::ServerContextBase& context);

}  // namespace arts::server

#endif  // ARTS_SERVER_GRPC_STATUS_H_
