#include "server/service_support.h"

#include <algorithm>
#include <utility>

#include "absl/strings/str_cat.h"
#include "core/backend/overload.h"
#include "server/grpc_status.h"

namespace arts::server {

AdmissionLimit::AdmissionLimit(int max_in_flight, std::string method)
    : max_in_flight_(max_in_flight), method_(std::move(method)) {}

AdmissionLimit::Ticket AdmissionLimit::Admit() {
  if (in_flight_.fetch_add(1) >= max_in_flight_) {
    in_flight_.fetch_sub(1);
    return Ticket(nullptr);
  }
  return Ticket(this);
}

void AdmissionLimit::Release(absl::Duration held) {
  in_flight_.fetch_sub(1);
  absl::MutexLock lock(&mu_);
  mean_held_ = 0.9 * mean_held_ + 0.1 * held;
}

grpc::Status AdmissionLimit::Refusal(grpc::ServerContextBase& context) const {
  absl::Duration next_slot;
  {
    absl::MutexLock lock(&mu_);
    next_slot = mean_held_ / max_in_flight_;
  }
  next_slot = std::clamp(next_slot, absl::Milliseconds(10), absl::Seconds(5));
  return ToGrpcStatus(
      backend::OverloadedError(
          absl::StrCat("more than ", max_in_flight_, " ", method_,
                       " calls in flight; retry after the pushback"),
          next_slot),
      &context);
}

void FillModelInfo(const std::string& kind, const std::string& path,
                   int64_t num_parameters,
                   const std::map<std::string, std::string>& metadata,
                   arts::v1::ModelInfo* info) {
  info->set_kind(kind);
  info->set_path(path);
  info->set_num_parameters(num_parameters);
  for (const auto& [key, value] : metadata) {
    (*info->mutable_metadata())[key] = value;
  }
}

}  // namespace arts::server
