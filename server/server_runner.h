#ifndef ARTS_SERVER_SERVER_RUNNER_H_
#define ARTS_SERVER_SERVER_RUNNER_H_

#include <grpcpp/grpcpp.h>

#include <memory>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/time/time.h"

namespace arts::server {

// Blocks SIGTERM and SIGINT in the calling thread and every thread it starts
// afterwards, so that WaitForShutdownSignal() can take them synchronously.
// Call first thing in main().
void BlockShutdownSignals();

// A started gRPC server with grpc.health.v1 (NOT_SERVING until
// SetServing(true)) and server reflection, shared by every ARTS binary.
class ServerRunner {
 public:
  // Binds `listen` (host:port; port 0 picks a free one). Errors name the flag.
  static absl::StatusOr<std::unique_ptr<ServerRunner>> Start(
      const std::string& listen, const std::vector<grpc::Service*>& services);

  int port() const { return port_; }
  grpc::Server& server() { return *server_; }
  void SetServing(bool serving);

  // Waits for SIGTERM or SIGINT; returns the signal's name.
  static std::string WaitForShutdownSignal();

  // Graceful stop: health goes NOT_SERVING, new calls are refused, in-flight
  // calls get up to `drain` to finish and are then cancelled.
  void Shutdown(absl::Duration drain);

 private:
  std::unique_ptr<grpc::Server> server_;
  int port_ = 0;
};

}  // namespace arts::server

#endif  // ARTS_SERVER_SERVER_RUNNER_H_
