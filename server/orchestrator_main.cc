// arts-orchestrator: serves verifier-guided search as arts.v1.Orchestrator,
// over Generator and Verifier services or over models loaded in-process.
#include <iostream>
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
#include "backends/local/load_scorer.h"
#include "backends/local/local_policy.h"
#include "core/io/default_paths.h"
#include "core/model/generator.h"
#include "server/bearer_auth.h"
#include "server/connection_flags.h"
#include "server/orchestrator_service.h"
#include "server/rpc_metrics.h"
#include "server/search_backends.h"
#include "server/server_main.h"
#include "server/server_runner.h"

ABSL_FLAG(std::string, listen, "127.0.0.1:50050",
          "gRPC address, host:port (port 0 picks a free port)");
ABSL_FLAG(std::string, metrics_listen, "127.0.0.1:9090",
          "Prometheus /metrics address, host:port; empty disables");
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
ABSL_FLAG(std::string, auth_tokens_file, "",
          "file of bearer tokens that may call Solve, one per line ('#' "
          "comments); re-read when it changes; empty: no authentication");
ABSL_FLAG(bool, in_process, false,
          "load --generator_model and --verifier_model here instead of "
          "calling the services (one-machine use)");
ABSL_FLAG(std::string, generator_model,
          arts::io::DefaultModelPath("generator.ckpt"),
          "with --in_process: the generator checkpoint");
ABSL_FLAG(std::string, verifier_model,
          arts::io::DefaultModelPath("verifier_flow.ckpt"),
          "with --in_process: the verifier checkpoint, or 'exact' for the "
          "exact verifier (Countdown's solver, no model)");
ABSL_FLAG(absl::Duration, backend_timeout, absl::Seconds(30),
          "longest wait for one Generator or Verifier call (a request's own "
          "deadline is shorter when it has one)");
ABSL_FLAG(absl::Duration, backend_wait, absl::Seconds(60),
          "at startup, how long to wait for the Generator and Verifier "
          "services to serve their models before reporting SERVING anyway");
ABSL_FLAG(int, threads, 1, "CPU threads for LibTorch with --in_process");
ABSL_FLAG(int, max_concurrent_requests, 4096,
          "searches running at once; one waiting on its backends holds its "
          "memory, not a thread. More wait for a slot (--max_waiting_solves)");
ABSL_FLAG(int, max_waiting_solves, 4096,
          "searches waiting for a running slot; one more gets "
          "RESOURCE_EXHAUSTED with retry pushback");
ABSL_FLAG(absl::Duration, max_solve_wait, absl::Seconds(10),
          "longest a search waits for a running slot before it gets "
          "RESOURCE_EXHAUSTED with retry pushback");
ABSL_FLAG(int, search_threads, 2,
          "threads that run every search's plan (none waits on a backend)");
ABSL_FLAG(absl::Duration, drain_timeout, absl::Seconds(10),
          "on SIGTERM, how long in-flight searches may take to finish");

namespace {

// Polls a backend's GetModelInfo until it answers (its model is loaded) or
// `wait` passes, so that the orchestrator does not report SERVING while its
// backends are still starting. Says on stderr what it found.
template <typename Client>
void AwaitBackend(const std::string& name, const std::string& address,
                  std::shared_ptr<grpc::Channel> channel, absl::Duration wait) {
  Client client(std::move(channel));
  const absl::Time until = absl::Now() + wait;
  while (true) {
    absl::StatusOr<arts::v1::ModelInfo> info =
        client.GetModelInfo(absl::Seconds(2));
    if (info.ok()) {
      std::cerr << "arts-orchestrator: " << name << " at " << address
                << " serves " << info->path() << "\n";
      return;
    }
    if (absl::Now() >= until) {
      std::cerr << "arts-orchestrator: warning: " << name << " at " << address
                << " is not serving after " << absl::FormatDuration(wait)
                << " (" << info.status().message()
                << "); solves will fail with UNAVAILABLE until it is\n";
      return;
    }
    absl::SleepFor(absl::Milliseconds(200));
  }
}

// With --in_process, the generator that the proposer refers to (the scorer
// owns its verifier).
struct LocalModels {
  std::unique_ptr<arts::model::Generator> generator;
};

}  // namespace

int main(int argc, char** argv) {
  arts::server::BlockShutdownSignals();
  absl::SetProgramUsageMessage(
      "arts-orchestrator [--flags]: the Orchestrator service");
  absl::ParseCommandLine(argc, argv);
  const bool in_process = absl::GetFlag(FLAGS_in_process);
  arts::server::ServerFlags flags;
  flags.listen = absl::GetFlag(FLAGS_listen);
  flags.metrics_listen = absl::GetFlag(FLAGS_metrics_listen);
  flags.model =
      in_process
          ? absl::StrCat("in-process ", absl::GetFlag(FLAGS_generator_model),
                         " and ", absl::GetFlag(FLAGS_verifier_model))
          : absl::StrCat("searches over generator ",
                         absl::GetFlag(FLAGS_generator), " and verifier ",
                         absl::GetFlag(FLAGS_verifier));
  flags.threads = absl::GetFlag(FLAGS_threads);
  flags.drain_timeout = absl::GetFlag(FLAGS_drain_timeout);
  flags.service_name = arts::v1::Orchestrator::service_full_name();
  flags.connection = arts::server::ConnectionOptionsFromFlags();
  arts::server::OrchestratorOptions options;
  options.max_running = absl::GetFlag(FLAGS_max_concurrent_requests);
  options.max_waiting = absl::GetFlag(FLAGS_max_waiting_solves);
  options.max_wait = absl::GetFlag(FLAGS_max_solve_wait);
  options.search_threads = absl::GetFlag(FLAGS_search_threads);
  flags.check_flags = [options]() -> absl::Status {
    absl::Status status = arts::server::CheckFlagRange(
        "--max_concurrent_requests", options.max_running, 1, 65536);
    if (status.ok()) {
      status = arts::server::CheckFlagRange("--max_waiting_solves",
                                            options.max_waiting, 0, 65536);
    }
    if (status.ok()) {
      status = arts::server::CheckFlagRange("--search_threads",
                                            options.search_threads, 1, 64);
    }
    if (status.ok() && options.max_wait <= absl::ZeroDuration()) {
      status = absl::InvalidArgumentError(
          "--max_solve_wait: must be positive, got " +
          absl::FormatDuration(options.max_wait));
    }
    return status;
  };
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
  std::unique_ptr<arts::server::BearerAuth> auth;
  absl::Status setup = generator_channel.ok() ? verifier_channel.status()
                                              : generator_channel.status();
  if (const std::string tokens = absl::GetFlag(FLAGS_auth_tokens_file);
      setup.ok() && !tokens.empty()) {
    absl::StatusOr<std::unique_ptr<arts::server::BearerAuth>> loaded =
        arts::server::BearerAuth::FromFile(tokens);
    if (loaded.ok()) auth = *std::move(loaded);
    setup = loaded.status();
  }
  if (!setup.ok()) {
    std::cerr << "arts-orchestrator: " << setup.message() << "\n";
    return 2;
  }
  flags.model_flag = in_process ? "--generator_model/--verifier_model"
                                : "--generator/--verifier";
  arts::server::RpcMetrics metrics("orchestrator");
  arts::server::OrchestratorService service(metrics, options, std::move(auth));
  LocalModels local;
  return arts::server::RunServerMain(
      "arts-orchestrator", flags, metrics, service,
      [&](const std::string&) -> absl::StatusOr<int64_t> {
        if (!in_process) {
          const absl::Duration wait = absl::GetFlag(FLAGS_backend_wait);
          AwaitBackend<arts::backends::GeneratorClient>(
              "generator", absl::GetFlag(FLAGS_generator), *generator_channel,
              wait);
          AwaitBackend<arts::backends::VerifierClient>(
              "verifier", absl::GetFlag(FLAGS_verifier), *verifier_channel,
              wait);
          service.SetBackends(std::make_unique<arts::server::RemoteBackends>(
              *generator_channel, *verifier_channel,
              absl::GetFlag(FLAGS_backend_timeout)));
          return 0;
        }
        auto generator =
            arts::model::Generator::Load(absl::GetFlag(FLAGS_generator_model));
        if (!generator.ok()) return generator.status();
        absl::StatusOr<arts::backends::LoadedScorer> scorer =
            arts::backends::LoadScorer(absl::GetFlag(FLAGS_verifier_model));
        if (!scorer.ok()) return scorer.status();
        local.generator = *std::move(generator);
        service.SetBackends(std::make_unique<arts::server::SharedBackends>(
            std::make_unique<arts::backends::LocalPolicy>(*local.generator),
            std::move(scorer->scorer)));
        return local.generator->num_parameters() + scorer->num_parameters;
      });
}
