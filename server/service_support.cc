#include "server/service_support.h"

#include <utility>

#include "absl/strings/str_cat.h"

namespace arts::server {

AdmissionLimit::AdmissionLimit(int max_in_flight, std::string method)
    : max_in_flight_(max_in_flight), method_(std::move(method)) {}

AdmissionLimit::Ticket AdmissionLimit::Admit() {
  if (in_flight_.fetch_add(1) >= max_in_flight_) {
    in_flight_.fetch_sub(1);
    return Ticket(nullptr);
  }
  return Ticket(&in_flight_);
}

grpc::Status AdmissionLimit::Refusal() const {
  return grpc::Status(grpc::StatusCode::RESOURCE_EXHAUSTED,
                      absl::StrCat("more than ", max_in_flight_, " ", method_,
                                   " calls in flight; retry with backoff"));
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
