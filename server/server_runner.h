#ifndef ARTS_SERVER_SERVER_RUNNER_H_
#define ARTS_SERVER_SERVER_RUNNER_H_

#include <grpcpp/grpcpp.h>

#include <memory>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "server/server_security.h"

namespace arts::server {

// Blocks SIGTERM and SIGINT in the calling thread and every thread it starts
// afterwards, so that WaitForShutdownSignal() can take them synchronously.
// Call first thing in main().
void BlockShutdownSignals();

// The limits every ARTS server sets on its connections, explicitly rather
// than by gRPC's defaults (docs/deploy.md lists them):
// - messages up to 16 MiB each way (the largest valid request, 64 traces of
//   64 steps, is well under 1 MiB);
inline constexpr int kMaxMessageBytes = 16 << 20;
// - at most 1024 concurrent calls on one connection (the orchestrator's one
//   connection to a backend carries every Solve's calls);
inline constexpr int kMaxConcurrentStreams = 1024;
// - the server pings an idle connection every 2 hours and lets clients ping
//   it every 30 s or slower, with or without calls in flight (the
//   orchestrator pings every 60 s); a client that pings faster is sent away.
inline constexpr int kKeepaliveTimeMs = 2 * 3600 * 1000;
inline constexpr int kMinClientPingIntervalMs = 30'000;

// How a ServerRunner serves, beyond its address and services.
struct ServerOptions {
  ServerSecurity security;  // TLS and mTLS of the gRPC port
  // Close a connection (GOAWAY) this long after it opened, so clients
  // reconnect and spread over replicas added since; its calls get `grace`
  // to finish. Zero: never.
  absl::Duration max_connection_age = absl::ZeroDuration();
  absl::Duration max_connection_age_grace = absl::Seconds(30);
  // A second, plaintext port that serves only health (and reflection),
  // for probes that cannot speak TLS (Kubernetes' grpc probes). Empty: none.
  std::string health_listen;
  // Health answers for these service names as well as for "".
  std::vector<std::string> health_services;
};

// A started gRPC server with grpc.health.v1 (NOT_SERVING until
// SetServing(true)) and server reflection, shared by every ARTS binary.
class ServerRunner {
 public:
  // Binds `listen` (host:port; port 0 picks a free one). Errors name the flag.
  static absl::StatusOr<std::unique_ptr<ServerRunner>> Start(
      const std::string& listen, const std::vector<grpc::Service*>& services,
      const ServerOptions& options = ServerOptions());

  int port() const { return port_; }
  int health_port() const { return health_port_; }
  grpc::Server& server() { return *server_; }
  void SetServing(bool serving);

  // Waits for SIGTERM or SIGINT; returns the signal's name.
  static std::string WaitForShutdownSignal();

  // Graceful stop: health goes NOT_SERVING, new calls are refused, in-flight
  // calls get up to `drain` to finish and are then cancelled.
  void Shutdown(absl::Duration drain);

 private:
  std::unique_ptr<grpc::Server> server_;
  std::unique_ptr<grpc::Server> health_server_;  // null: no --health_listen
  std::vector<std::string> health_services_;
  int port_ = 0;
  int health_port_ = 0;
};

}  // namespace arts::server

#endif  // ARTS_SERVER_SERVER_RUNNER_H_
