// arts-verifier: serves the flow verifier as arts.v1.Verifier.
#include "absl/flags/flag.h"
#include "absl/flags/parse.h"
#include "absl/flags/usage.h"
#include "absl/time/time.h"
#include "core/io/default_paths.h"
#include "core/verifier/flow_verifier.h"
#include "server/rpc_metrics.h"
#include "server/server_main.h"
#include "server/server_runner.h"
#include "server/verifier_service.h"

ABSL_FLAG(std::string, listen, "127.0.0.1:50052",
          "gRPC address, host:port (port 0 picks a free port)");
ABSL_FLAG(std::string, metrics_listen, "127.0.0.1:9092",
          "Prometheus /metrics address, host:port; empty disables");
ABSL_FLAG(std::string, model, arts::io::DefaultModelPath("verifier_flow.ckpt"),
          "verifier checkpoint (kind verifier)");
ABSL_FLAG(int, threads, 1,
          "CPU threads for LibTorch inside one batch (small batches are "
          "overhead-bound; see docs/BENCHMARKS.md)");
ABSL_FLAG(int, max_concurrent_requests, 8,
          "Score calls served at once; more get RESOURCE_EXHAUSTED");
ABSL_FLAG(absl::Duration, drain_timeout, absl::Seconds(10),
          "on SIGTERM, how long in-flight calls may take to finish");

int main(int argc, char** argv) {
  arts::server::BlockShutdownSignals();
  absl::SetProgramUsageMessage("arts-verifier [--flags]: the Verifier service");
  absl::ParseCommandLine(argc, argv);
  const arts::server::ServerFlags flags = {
      absl::GetFlag(FLAGS_listen),
      absl::GetFlag(FLAGS_metrics_listen),
      absl::GetFlag(FLAGS_model),
      absl::GetFlag(FLAGS_threads),
      absl::GetFlag(FLAGS_max_concurrent_requests),
      absl::GetFlag(FLAGS_drain_timeout)};
  arts::server::RpcMetrics metrics("verifier");
  arts::server::VerifierService service(metrics, flags.max_concurrent_requests);
  return arts::server::RunServerMain(
      "arts-verifier", flags, metrics, service,
      [&service](const std::string& path) -> absl::StatusOr<int64_t> {
        auto verifier = arts::verifier::FlowVerifier::Load(path);
        if (!verifier.ok()) return verifier.status();
        service.SetModel(*std::move(verifier), path);
        return service.num_parameters();
      });
}
