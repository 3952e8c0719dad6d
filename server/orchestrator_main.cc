// arts-orchestrator: serves verifier-guided search as arts.v1.Orchestrator,
// over Generator and Verifier services. It links no model (and no LibTorch):
// arts-orchestrator-local (server/models/) is the same service over models
// loaded in its own process.
#include <iostream>
#include <map>
#include <memory>
#include <utility>

#include "absl/flags/flag.h"
#include "absl/flags/parse.h"
#include "absl/flags/usage.h"
#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"
#include "absl/time/time.h"
#include "backends/grpc/channel.h"
#include "backends/grpc/generator_client.h"
#include "backends/grpc/verifier_client.h"
#include "server/front_door_flags.h"
#include "server/orchestrator_flags.h"
#include "server/orchestrator_service.h"
#include "server/rpc_metrics.h"
#include "server/search_backends.h"
#include "server/server_main.h"
#include "server/server_runner.h"

ABSL_FLAG(std::string, generator, "127.0.0.1:50051",
          "Generator service: host:port, dns:///NAME:PORT (every replica the "
          "name resolves to) or ipv4:HOST:PORT,HOST:PORT; calls go round "
          "robin over the replicas");
ABSL_FLAG(std::string, verifier, "127.0.0.1:50052",
          "Verifier service: a gRPC target, as --generator");
ABSL_FLAG(std::string, backend_tls_ca, "",
          "PEM CA that signs the Generator's and Verifier's certificates; "
          "set: the backend channels use TLS (empty: plaintext)");
ABSL_FLAG(std::string, backend_tls_cert, "",
          "PEM client certificate shown to the backends (mTLS); needs "
          "--backend_tls_key and --backend_tls_ca");
ABSL_FLAG(std::string, backend_tls_key, "", "PEM key of --backend_tls_cert");
ABSL_FLAG(std::string, backend_tls_server_name, "",
          "name the backends' certificates must carry (empty: the host of "
          "--generator and --verifier)");
ABSL_FLAG(absl::Duration, backend_timeout, absl::Seconds(30),
          "longest wait for one Generator or Verifier call (a request's own "
          "deadline is shorter when it has one)");
ABSL_FLAG(absl::Duration, backend_wait, absl::Seconds(60),
          "at startup, how long to wait for the Generator and Verifier "
          "services to serve their models before reporting SERVING anyway");

namespace {

// Polls a backend's GetModelInfo until it answers (its model is loaded) or
// `wait` passes, so that the orchestrator does not report SERVING while its
// backends are still starting. Says on stderr what it found; returns what it
// serves (its address when it never answered).
template <typename Client>
std::string AwaitBackend(const std::string& name, const std::string& address,
                         std::shared_ptr<grpc::Channel> channel,
                         absl::Duration wait) {
  Client client(std::move(channel));
  const absl::Time until = absl::Now() + wait;
  while (true) {
    absl::StatusOr<arts::v1::ModelInfo> info =
        client.GetModelInfo(absl::Seconds(2));
    if (info.ok()) {
      std::cerr << "arts-orchestrator: " << name << " at " << address
                << " serves " << info->path() << "\n";
      return info->path();
    }
    if (absl::Now() >= until) {
      std::cerr << "arts-orchestrator: warning: " << name << " at " << address
                << " is not serving after " << absl::FormatDuration(wait)
                << " (" << info.status().message()
                << "); solves will fail with UNAVAILABLE until it is\n";
      return address;
    }
    absl::SleepFor(absl::Milliseconds(200));
  }
}

}  // namespace

int main(int argc, char** argv) {
  arts::server::BlockShutdownSignals();
  arts::server::SetServerUsage(
      "arts-orchestrator",
      "arts-orchestrator [--flags]: the Orchestrator service");
  absl::ParseCommandLine(argc, argv);
  arts::server::ServerFlags flags = arts::server::OrchestratorServerFlags(
      absl::StrCat("searches over generator ", absl::GetFlag(FLAGS_generator),
                   " and verifier ", absl::GetFlag(FLAGS_verifier)));
  flags.model_flag = "--generator/--verifier";
  // Files named by flags are read now, so that a bad one stops the server
  // before it listens.
  arts::backends::ChannelSecurity backend_security;
  backend_security.ca_file = absl::GetFlag(FLAGS_backend_tls_ca);
  backend_security.cert_file = absl::GetFlag(FLAGS_backend_tls_cert);
  backend_security.key_file = absl::GetFlag(FLAGS_backend_tls_key);
  backend_security.server_name = absl::GetFlag(FLAGS_backend_tls_server_name);
  backend_security.flag_prefix = "--backend_tls_";
  absl::StatusOr<std::shared_ptr<grpc::Channel>> generator_channel =
      arts::backends::BackendChannel(absl::GetFlag(FLAGS_generator),
                                     backend_security);
  absl::StatusOr<std::shared_ptr<grpc::Channel>> verifier_channel =
      arts::backends::BackendChannel(absl::GetFlag(FLAGS_verifier),
                                     backend_security);
  absl::Status setup = generator_channel.ok() ? verifier_channel.status()
                                              : generator_channel.status();
  absl::StatusOr<std::unique_ptr<arts::server::BearerAuth>> auth =
      arts::server::AuthFromFlags();
  if (setup.ok()) setup = auth.status();
  if (!setup.ok()) {
    std::cerr << "arts-orchestrator: " << setup.message() << "\n";
    return 2;
  }
  arts::server::RpcMetrics metrics("orchestrator");
  arts::server::OrchestratorService service(
      metrics, arts::server::OrchestratorOptionsFromFlags(), *std::move(auth));
  absl::StatusOr<std::unique_ptr<arts::server::HttpFrontDoor>> front_door =
      arts::server::FrontDoorFromFlags(
          metrics.registry(), service.auth(),
          {{"generator", absl::GetFlag(FLAGS_generator)},
           {"verifier", absl::GetFlag(FLAGS_verifier)}});
  if (!front_door.ok()) {
    std::cerr << "arts-orchestrator: " << front_door.status().message() << "\n";
    return 2;
  }
  return arts::server::RunServerMain(
      "arts-orchestrator", flags, metrics, service,
      [&](const std::string&) -> absl::StatusOr<int64_t> {
        const absl::Duration wait = absl::GetFlag(FLAGS_backend_wait);
        std::map<std::string, std::string> served = {
            {"generator", AwaitBackend<arts::backends::GeneratorClient>(
                              "generator", absl::GetFlag(FLAGS_generator),
                              *generator_channel, wait)},
            {"verifier", AwaitBackend<arts::backends::VerifierClient>(
                             "verifier", absl::GetFlag(FLAGS_verifier),
                             *verifier_channel, wait)}};
        if (*front_door != nullptr) (*front_door)->door().SetBackends(served);
        service.SetBackends(std::make_unique<arts::server::RemoteBackends>(
            *generator_channel, *verifier_channel,
            absl::GetFlag(FLAGS_backend_timeout)));
        return 0;
      },
      front_door->get());
}
