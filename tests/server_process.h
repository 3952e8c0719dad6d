// Helpers for process-level tests of the server binaries (arts-generator,
// arts-verifier): start a binary with posix_spawn, its output in a file, and
// talk to it only over loopback, the way an operator or a load balancer
// would.
//
// The library links the grpc.reflection messages from arts_test_protos, so a
// test that links arts_server must not use it (see tests/CMakeLists.txt).

#ifndef ARTS_TESTS_SERVER_PROCESS_H_
#define ARTS_TESTS_SERVER_PROCESS_H_

#include <grpcpp/grpcpp.h>
#include <sys/types.h>

#include <memory>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "backends/grpc/channel_security.h"
#include "protos/grpc/reflection/v1alpha/reflection.grpc.pb.h"
#include "tests/grpc_support.h"
#include "tests/test_support.h"

namespace arts::testing_support {

// A loopback port that was free a moment ago.
int FreePort();

// A server binary as a child process with stdout and stderr in a file. The
// destructor kills it if it is still running, so no test leaves one behind.
class ServerProcess {
 public:
  ServerProcess(const std::string& binary,
                const std::vector<std::string>& flags,
                const std::string& log_path);
  ~ServerProcess();
  ServerProcess(const ServerProcess&) = delete;
  ServerProcess& operator=(const ServerProcess&) = delete;

  bool started() const { return pid_ > 0; }
  pid_t pid() const { return pid_; }

  // Still running (not yet reaped)?
  bool Running();

  // The wait status once it has exited, or nullopt after `timeout`.
  std::optional<int> WaitForExit(absl::Duration timeout);

  std::string Log() const { return ReadFile(log_path_); }

 private:
  pid_t pid_ = -1;
  std::optional<int> exit_status_;
  std::string log_path_;
};

// A run of a binary to its exit: the exit code (or -1 if it did not exit
// normally within the timeout) and its output.
struct RunResult {
  int exit_code = -1;
  std::string log;
  absl::Duration elapsed;
};

RunResult RunToExit(const std::string& binary,
                    const std::vector<std::string>& flags,
                    const std::string& log_path,
                    absl::Duration timeout = absl::Seconds(20));

// Flags that keep a test off the default ports.
std::vector<std::string> LoopbackFlags();

std::vector<std::string> With(std::vector<std::string> flags,
                              const std::vector<std::string>& more);

// Runs `binary` with --model=`path` (its output in `dir`) and expects it to
// exit with an error that names the flag and the path. Returns the run for
// the caller's own checks.
RunResult RunWithBadModel(const std::string& binary, const TempDir& dir,
                          const std::string& path);

// One request on server reflection's stream (as grpcurl sends them): the
// responses, or the call's status; an error response is an error.
absl::StatusOr<std::vector<grpc::reflection::v1alpha::ServerReflectionResponse>>
AskReflection(
    const std::shared_ptr<grpc::Channel>& channel,
    const grpc::reflection::v1alpha::ServerReflectionRequest& request);

// Service names from server reflection's list_services.
absl::StatusOr<std::set<std::string>> ListServices(
    const std::shared_ptr<grpc::Channel>& channel);

// A server binary serving on a loopback port picked here (a binary cannot
// report a port 0 choice other than in its log).
struct ServingServer {
  std::unique_ptr<ServerProcess> process;
  std::string target;  // 127.0.0.1:port
  int metrics_port = 0;
  int health_port = 0;  // 0: started without --health_listen
  std::shared_ptr<grpc::Channel> channel;
  // How `channel` is secured; set before Start() for a server with TLS.
  backends::ChannelSecurity security;

  // Starts `binary` with `flags` (--model=...) on a free port and waits until
  // its health says SERVING. Failures are fatal failures of the current test
  // (check with ASSERT_NO_FATAL_FAILURE).
  void Start(const std::string& binary, const std::vector<std::string>& flags,
             const std::string& log_path);

  // SIGTERM, then a clean exit within 15 s that says it drained.
  void StopWithSigterm();
};

// The main job's shape: arts-generator, arts-verifier and an
// arts-orchestrator over them, three processes on loopback.
struct ThreeServices {
  struct Binaries {
    std::string generator, verifier, orchestrator;
  };

  ServingServer generator, verifier, orchestrator;

  // Starts the three with these models, logs in `dir`, the orchestrator with
  // `orchestrator_flags` besides --generator and --verifier. Failures are
  // fatal failures of the current test.
  void Start(const Binaries& binaries, const std::string& generator_model,
             const std::string& verifier_model, const TempDir& dir,
             const std::vector<std::string>& orchestrator_flags = {});

  // SIGTERM to each, the orchestrator first; each drains and exits 0.
  void StopAll();
};

}  // namespace arts::testing_support

#endif  // ARTS_TESTS_SERVER_PROCESS_H_
