#ifndef ARTS_SERVER_METRICS_HTTP_SERVER_H_
#define ARTS_SERVER_METRICS_HTTP_SERVER_H_

#include <atomic>
#include <functional>
#include <memory>
#include <string>
#include <thread>

#include "absl/status/status.h"

namespace arts::server {

// A minimal HTTP/1.1 endpoint that answers GET /metrics with the Prometheus
// text format, one connection at a time.
//
// Why not prometheus::Exposer: Debian's civetweb is built with a fixed
// 100 KiB thread stack, smaller than the static TLS that LibTorch's
// dependencies (OpenBLAS, glog) need, so its worker threads fail to start in
// any process that links LibTorch ("Cannot create first worker thread").
// Metric families and serialization still come from prometheus-cpp.
class MetricsHttpServer {
 public:
  // `render` produces the body of /metrics.
  explicit MetricsHttpServer(std::function<std::string()> render);
  ~MetricsHttpServer();

  // Binds host:port (port 0 picks one) and starts serving in a thread.
  absl::Status Start(const std::string& listen);
  int port() const { return port_; }
  void Stop();

 private:
  void Serve();
  void Answer(int connection);

  std::function<std::string()> render_;
  int listen_fd_ = -1;
  int port_ = 0;
  std::atomic<bool> stopping_{false};
  std::thread thread_;
};

}  // namespace arts::server

#endif  // ARTS_SERVER_METRICS_HTTP_SERVER_H_
