// arts-generator: serves the frozen base model as arts.v1.Generator.
#include "absl/flags/flag.h"
#include "absl/flags/parse.h"
#include "absl/flags/usage.h"
#include "absl/time/time.h"
#include "core/io/default_paths.h"
#include "core/model/generator.h"
#include "server/connection_flags.h"
#include "server/models/generator_service.h"
#include "server/models/threads_flag.h"
#include "server/rpc_metrics.h"
#include "server/server_main.h"
#include "server/server_runner.h"

ABSL_FLAG(std::string, listen, "127.0.0.1:50051",
          "gRPC address, host:port (port 0 picks a free port)");
ABSL_FLAG(std::string, metrics_listen, "127.0.0.1:9091",
          "Prometheus /metrics address, host:port; empty disables");
ABSL_FLAG(std::string, model, arts::io::DefaultModelPath("generator.ckpt"),
          "generator checkpoint");
ABSL_FLAG(int, threads, 1,
          "CPU threads for LibTorch inside one batch (small batches are "
          "overhead-bound; see docs/BENCHMARKS.md)");
ABSL_FLAG(int, max_rows_per_step, 256,
          "rows (candidates of all calls) that share a decode step; each "
          "holds a slot of keys and values, about 1.3 MB with the bundled "
          "model. At least 64, the most candidates of one prefix");
ABSL_FLAG(int, max_queue, 256,
          "Propose calls that may wait for rows; one more gets "
          "RESOURCE_EXHAUSTED with retry pushback");
ABSL_FLAG(absl::Duration, max_queue_wait, absl::Seconds(10),
          "longest a Propose call may wait for rows; past it, it gets "
          "RESOURCE_EXHAUSTED with retry pushback (load shedding)");
ABSL_FLAG(bool, prefix_cache, true,
          "keep finished candidates' keys and values in idle row slots, so "
          "that the next round's prefixes, which extend them, prefill only "
          "their new tokens; --noprefix_cache prefills every prefix whole");
ABSL_FLAG(absl::Duration, drain_timeout, absl::Seconds(10),
          "on SIGTERM, how long in-flight calls may take to finish");

int main(int argc, char** argv) {
  arts::server::BlockShutdownSignals();
  absl::SetProgramUsageMessage(
      "arts-generator [--flags]: the Generator service");
  absl::ParseCommandLine(argc, argv);
  arts::server::ServerFlags flags;
  flags.listen = absl::GetFlag(FLAGS_listen);
  flags.metrics_listen = absl::GetFlag(FLAGS_metrics_listen);
  flags.model = absl::GetFlag(FLAGS_model);
  const int threads = absl::GetFlag(FLAGS_threads);
  flags.drain_timeout = absl::GetFlag(FLAGS_drain_timeout);
  flags.service_name = arts::v1::Generator::service_full_name();
  flags.connection = arts::server::ConnectionOptionsFromFlags();
  arts::server::GeneratorService::Options options;
  options.max_rows = absl::GetFlag(FLAGS_max_rows_per_step);
  options.queue.max_queue = absl::GetFlag(FLAGS_max_queue);
  options.queue.max_wait = absl::GetFlag(FLAGS_max_queue_wait);
  options.prefix_cache = absl::GetFlag(FLAGS_prefix_cache);
  flags.check_flags = [&options, threads]() -> absl::Status {
    if (absl::Status s = arts::server::CheckFlagRange(
            "--max_rows_per_step", options.max_rows,
            arts::backend::kMaxCandidates, 4096);
        !s.ok()) {
      return s;
    }
    if (absl::Status s = arts::server::CheckFlagRange(
            "--max_queue", options.queue.max_queue, 1, 100000);
        !s.ok()) {
      return s;
    }
    if (options.queue.max_wait <= absl::ZeroDuration()) {
      return absl::InvalidArgumentError("--max_queue_wait: must be positive");
    }
    return arts::server::ApplyThreadsFlag(threads);
  };
  arts::server::RpcMetrics metrics("generator");
  arts::server::GeneratorService service(metrics, options);
  return arts::server::RunServerMain(
      "arts-generator", flags, metrics, service,
      [&service](const std::string& path) -> absl::StatusOr<int64_t> {
        auto generator = arts::model::Generator::Load(path);
        if (!generator.ok()) return generator.status();
        const int64_t num_parameters = (*generator)->num_parameters();
        service.SetModel(*std::move(generator), path);
        return num_parameters;
      });
}
