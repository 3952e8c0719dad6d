#ifndef ARTS_SERVER_SERVER_MAIN_H_
#define ARTS_SERVER_SERVER_MAIN_H_

#include <grpcpp/grpcpp.h>

#include <cstdint>
#include <functional>
#include <string>

#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "server/rpc_metrics.h"
#include "server/server_runner.h"

namespace arts::server {

// The flags every ARTS server binary has. Each binary defines them itself,
// with its own defaults and help, and passes their values here.
struct ServerFlags {
  std::string listen;
  std::string metrics_listen;  // empty: no /metrics
  std::string model;           // what is served, as the --model flag gave it
  absl::Duration drain_timeout = absl::Seconds(10);
  std::string model_flag = "--model";  // the flag to name when loading fails
  // The served service's full name ("arts.v1.Generator"): health answers
  // for it as well as for "".
  std::string service_name;
  // TLS, connection age, the health port (ConnectionOptionsFromFlags()).
  ServerOptions connection;
  // The binary's own flags: an error names the flag, e.g.
  // "--max_queue: must be 1 to 100000, got 0". Unset: nothing to check. A
  // binary that runs a model applies its --threads here
  // (server/models/threads_flag.h).
  std::function<absl::Status()> check_flags;
};

// How a server binary explains itself, set before it parses its flags:
// `usage` heads --help, which then lists this project's server flags only
// (every flag defined under server/: the binary's own and those every
// server shares, grouped by the file that defines them, with their
// defaults), not the libraries'; --helpfull still lists every flag.
// --version prints "`program` VERSION".
void SetServerUsage(const std::string& program, const std::string& usage);

// Checks an integer flag's range: InvalidArgument "--name: must be lo to hi,
// got v".
absl::Status CheckFlagRange(const std::string& name, int value, int lo, int hi);

// Something served beside the gRPC port (the OpenAI-compatible HTTP API):
// started once the gRPC server runs, since it calls that server in process,
// and told to stop taking requests before the gRPC drain, which ends the
// calls its requests made.
class SideListener {
 public:
  virtual ~SideListener() = default;
  // Starts serving; returns what the serving line says of it, e.g. "HTTP on
  // port 8080". Errors name the flag to fix.
  virtual absl::StatusOr<std::string> Start(grpc::Server& server) = 0;
  virtual void StopAccepting() = 0;
  // After the drain: waits up to `grace` for answers still being written,
  // then closes every connection.
  virtual void Stop(absl::Duration grace) = 0;
};

// Loads the checkpoint at `path` into the service; returns its parameter
// count (0 when it loads no model of its own).
using ModelLoader =
    std::function<absl::StatusOr<int64_t>(const std::string& path)>;

// The life of a server binary once its flags are parsed, the same for every
// ARTS server: checks the shared flags, serves /metrics, starts gRPC with
// `service` (health NOT_SERVING), loads the model, reports SERVING, then
// waits for SIGTERM or SIGINT and drains. Call BlockShutdownSignals() first
// thing in main(). Messages go to stderr, prefixed with `program`. Returns
// the exit code: 0 after a drain, 1 when the model cannot be loaded, 2 for a
// bad flag or address. `side` (may be null) starts with the gRPC server and
// stops before its drain.
int RunServerMain(const std::string& program, const ServerFlags& flags,
                  RpcMetrics& metrics, grpc::Service& service,
                  const ModelLoader& load_model, SideListener* side = nullptr);

}  // namespace arts::server

#endif  // ARTS_SERVER_SERVER_MAIN_H_
