#include "core/backend/overload.h"

#include <string>

#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"

namespace arts::backend {
namespace {

constexpr char kRetryAfterUrl[] = "type.arts/retry-after-ms";

}  // namespace

absl::Status OverloadedError(absl::string_view message,
                             absl::Duration retry_after) {
  absl::Status status = absl::ResourceExhaustedError(message);
  status.SetPayload(
      kRetryAfterUrl,
      absl::Cord(absl::StrCat(absl::ToInt64Milliseconds(retry_after))));
  return status;
}

std::optional<absl::Duration> RetryAfter(const absl::Status& status) {
  absl::optional<absl::Cord> payload = status.GetPayload(kRetryAfterUrl);
  int64_t ms = 0;
  if (!payload.has_value() || !absl::SimpleAtoi(std::string(*payload), &ms)) {
    return std::nullopt;
  }
  return absl::Milliseconds(ms);
}

}  // namespace arts::backend
