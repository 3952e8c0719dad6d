#include "server/grpc_status.h"

#include <chrono>
#include <string>

namespace arts::server {

grpc::Status ToGrpcStatus(const absl::Status& status) {
  if (status.ok()) return grpc::Status::OK;
  return grpc::Status(static_cast<grpc::StatusCode>(status.code()),
                      std::string(status.message()));
}

grpc::Status EndedCallStatus(const grpc::ServerContext& context) {
  if (context.deadline() <= std::chrono::system_clock::now()) {
    return grpc::Status(grpc::StatusCode::DEADLINE_EXCEEDED,
                        "deadline exceeded before the work finished");
  }
  return grpc::Status(grpc::StatusCode::CANCELLED, "the call was cancelled");
}

}  // namespace arts::server
