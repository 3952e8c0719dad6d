#include "server/rpc_metrics.h"

#include <prometheus/text_serializer.h>

#include "absl/status/status.h"
#include "absl/strings/str_cat.h"

namespace arts::server {

std::string StatusCodeName(grpc::StatusCode code) {
  return absl::StatusCodeToString(static_cast<absl::StatusCode>(code));
}

RpcMetrics::RpcMetrics(const std::string& service)
    : service_(service), registry_(std::make_shared<prometheus::Registry>()) {
  requests_ = &prometheus::BuildCounter()
                   .Name("arts_rpc_requests_total")
                   .Help("RPCs finished, by service, method and status code")
                   .Register(*registry_);
  latency_ = &prometheus::BuildHistogram()
                  .Name("arts_rpc_latency_seconds")
                  .Help("RPC latency from arrival to the final status")
                  .Register(*registry_);
  in_flight_ = &prometheus::BuildGauge()
                    .Name("arts_rpc_in_flight")
                    .Help("RPCs being served now")
                    .Register(*registry_);
}

absl::Status RpcMetrics::Serve(const std::string& listen) {
  http_ = std::make_unique<MetricsHttpServer>([registry = registry_] {
    return prometheus::TextSerializer().Serialize(registry->Collect());
  });
  return http_->Start(listen);
}

int RpcMetrics::port() const { return http_ == nullptr ? 0 : http_->port(); }

RpcMetrics::Call::Call(RpcMetrics& metrics, const std::string& method)
    : metrics_(metrics),
      method_(method),
      start_(std::chrono::steady_clock::now()) {
  metrics_.in_flight_
      ->Add({{"service", metrics_.service_}, {"method", method_}})
      .Increment();
}

RpcMetrics::Call::~Call() {
  if (!finished_) Finish(grpc::Status(grpc::StatusCode::UNKNOWN, ""));
}

void RpcMetrics::Call::Finish(const grpc::Status& status) {
  if (finished_) return;
  finished_ = true;
  const prometheus::Labels labels{{"service", metrics_.service_},
                                  {"method", method_}};
  metrics_.in_flight_->Add(labels).Decrement();
  prometheus::Labels with_code = labels;
  with_code["code"] = StatusCodeName(status.error_code());
  metrics_.requests_->Add(with_code).Increment();
  static const prometheus::Histogram::BucketBoundaries kBuckets = {
      0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1,
      0.25,  0.5,    1,     2.5,  5,     10,   30};
  metrics_.latency_->Add(labels, kBuckets)
      .Observe(std::chrono::duration<double>(std::chrono::steady_clock::now() -
                                             start_)
                   .count());
}

}  // namespace arts::server
