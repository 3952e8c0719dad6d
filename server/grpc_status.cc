#include "server/grpc_status.h"

#include <chrono>
#include <optional>
#include <string>

#include "absl/strings/str_cat.h"
#include "core/backend/overload.h"

namespace arts::server {

grpc::Status ToGrpcStatus(const absl::Status& status,
                          grpc::ServerContextBase* context) {
  if (status.ok()) return grpc::Status::OK;
  if (context != nullptr) {
    if (std::optional<absl::Duration> delay = backend::RetryAfter(status)) {
      context->AddTrailingMetadata(
          "grpc-retry-pushback-ms",
          absl::StrCat(absl::ToInt64Milliseconds(*delay)));
    }
  }
  return grpc::Status(static_cast<grpc::StatusCode>(status.code()),
                      std::string(status.message()));
}

grpc::Status EndedCallStatus(const grpc::ServerContextBase& context,
                             const absl::Status& why) {
  if (why.code() == absl::StatusCode::kDeadlineExceeded) {
    return ToGrpcStatus(why);
  }
  if (context.deadline() <= std::chrono::system_clock::now()) {
    return grpc::Status(grpc::StatusCode::DEADLINE_EXCEEDED,
                        "deadline exceeded before the work finished");
  }
  return grpc::Status(grpc::StatusCode::CANCELLED, "the call was cancelled");
}

grpc::Status FinalCallStatus(const absl::Status& status,
                             grpc::ServerContextBase& context) {
  if (status.code() == absl::StatusCode::kCancelled ||
      status.code() == absl::StatusCode::kDeadlineExceeded) {
    return EndedCallStatus(context, status);
  }
  return ToGrpcStatus(status, &context);
}

}  // namespace arts::server
