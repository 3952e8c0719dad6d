#ifndef ARTS_SERVER_RPC_METRICS_H_
#define ARTS_SERVER_RPC_METRICS_H_

#include <grpcpp/grpcpp.h>
#include <prometheus/counter.h>
#include <prometheus/family.h>
#include <prometheus/gauge.h>
#include <prometheus/histogram.h>
#include <prometheus/registry.h>

#include <memory>
#include <string>

#include "absl/status/statusor.h"
#include "server/metrics_http_server.h"

namespace arts::server {

// The metrics every ARTS server exports: requests by method and status code,
// latency, and calls in flight. Services add their own families to
// `registry()`. Names follow Prometheus conventions: `arts_` prefix, base
// units, `_total` counters, `_seconds` histograms.
class RpcMetrics {
 public:
  // `service` labels every series, e.g. "generator".
  explicit RpcMetrics(const std::string& service);

  // Serves /metrics over HTTP on `listen` (host:port; port 0 picks one).
  // Errors name the --metrics_listen flag.
  absl::Status Serve(const std::string& listen);
  // The bound port, once serving.
  int port() const;

  prometheus::Registry& registry() { return *registry_; }

  // Tracks one call from construction to Finish().
  class Call {
   public:
    Call(RpcMetrics& metrics, const std::string& method);
    ~Call();
    void Finish(const grpc::Status& status);

   private:
    RpcMetrics& metrics_;
    std::string method_;
    std::chrono::steady_clock::time_point start_;
    bool finished_ = false;
  };

 private:
  std::string service_;
  std::shared_ptr<prometheus::Registry> registry_;
  std::unique_ptr<MetricsHttpServer> http_;
  prometheus::Family<prometheus::Counter>* requests_;
  prometheus::Family<prometheus::Histogram>* latency_;
  prometheus::Family<prometheus::Gauge>* in_flight_;
};

// Canonical upper-case name of a status code, e.g. "INVALID_ARGUMENT".
std::string StatusCodeName(grpc::StatusCode code);

}  // namespace arts::server

#endif  // ARTS_SERVER_RPC_METRICS_H_
