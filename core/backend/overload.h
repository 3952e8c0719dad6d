#ifndef ARTS_CORE_BACKEND_OVERLOAD_H_
#define ARTS_CORE_BACKEND_OVERLOAD_H_

#include <optional>

#include "absl/status/status.h"
#include "absl/strings/string_view.h"
#include "absl/time/time.h"

namespace arts::backend {

// A refusal because a queue is full: RESOURCE_EXHAUSTED that says when to
// try again. The delay travels as a payload of the status, so it crosses
// every layer unchanged; a server turns it into gRPC retry pushback
// (grpc-retry-pushback-ms), which gRPC's own retry policy honours.
absl::Status OverloadedError(absl::string_view message,
                             absl::Duration retry_after);

// The delay an OverloadedError carries, if it carries one.
std::optional<absl::Duration> RetryAfter(const absl::Status& status);

}  // namespace arts::backend

#endif  // ARTS_CORE_BACKEND_OVERLOAD_H_
