// slow_text_backends: the toy `text` task's Generator and Verifier
// (tests/slow_text_services.h) as a process, answering every call after
// --latency and holding no thread while they wait. The OpenAI SDK suite
// and the HTTP load benchmark put arts-orchestrator in front of it, so that
// searches last long enough to abort, time out or fill the server.
//
//   slow_text_backends --listen=127.0.0.1:0 --latency=1s
// prints "slow_text_backends: serving on port N" when ready; SIGTERM or
// SIGINT stops it.
#include <csignal>
#include <iostream>

#include "absl/flags/flag.h"
#include "absl/flags/parse.h"
#include "absl/time/time.h"
#include "tests/slow_text_services.h"

ABSL_FLAG(std::string, listen, "127.0.0.1:0", "host:port (0 picks a port)");
ABSL_FLAG(absl::Duration, latency, absl::Seconds(1),
          "what every Propose and Score call takes");

int main(int argc, char** argv) {
  sigset_t signals;
  sigemptyset(&signals);
  sigaddset(&signals, SIGTERM);
  sigaddset(&signals, SIGINT);
  pthread_sigmask(SIG_BLOCK, &signals, nullptr);
  absl::ParseCommandLine(argc, argv);
  arts::testing_support::SlowTextServers servers(absl::GetFlag(FLAGS_latency),
                                                 absl::GetFlag(FLAGS_listen));
  const std::string address = servers.address();
  std::cerr << "slow_text_backends: serving on port "
            << address.substr(address.rfind(':') + 1) << std::endl;
  int signal = 0;
  sigwait(&signals, &signal);
  return 0;
}
