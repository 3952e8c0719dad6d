// arts-verifier: serves the flow verifier as arts.v1.Verifier, or, with
// --model=exact, the exact verifier (Countdown's solver).
#include "absl/flags/flag.h"
#include "absl/flags/parse.h"
#include "absl/flags/usage.h"
#include "absl/time/time.h"
#include "backends/local/load_scorer.h"
#include "core/io/default_paths.h"
#include "core/verifier/flow_verifier.h"
#include "server/connection_flags.h"
#include "server/models/threads_flag.h"
#include "server/models/verifier_service.h"
#include "server/rpc_metrics.h"
#include "server/server_main.h"
#include "server/server_runner.h"

ABSL_FLAG(std::string, listen, "127.0.0.1:50052",
          "gRPC address, host:port (port 0 picks a free port)");
ABSL_FLAG(std::string, metrics_listen, "127.0.0.1:9092",
          "Prometheus /metrics address, host:port; empty disables");
ABSL_FLAG(std::string, model, arts::io::DefaultModelPath("verifier_flow.ckpt"),
          "verifier checkpoint (kind verifier), or 'exact': the exact "
          "verifier, log F 0 while Countdown's solver can still reach the "
          "target and -20 once it cannot (no model; the batching and cache "
          "flags do not apply)");
ABSL_FLAG(std::string, tokenizer_model, "",
          "with a TorchScript --model (a value model exported from PyTorch): "
          "the SentencePiece .model it reads traces with; it then serves the "
          "text task (docs/verifier.md)");
ABSL_FLAG(int, threads, 1,
          "CPU threads for LibTorch inside one batch (small batches are "
          "overhead-bound; see docs/BENCHMARKS.md)");
ABSL_FLAG(int, preferred_batch, 64,
          "dynamic batching: traces at which a batch is scored without "
          "waiting longer");
ABSL_FLAG(absl::Duration, max_queue_delay, absl::Milliseconds(2),
          "dynamic batching: longest the first call of a batch waits for "
          "others to join it");
ABSL_FLAG(int, max_batch, 256,
          "most traces in one forward pass (a larger call runs alone)");
ABSL_FLAG(int, max_queue, 256,
          "Score calls that may wait; one more gets RESOURCE_EXHAUSTED with "
          "retry pushback");
ABSL_FLAG(int, prefix_cache_mb, 512,
          "memory for the keys and values of recently scored traces, so a "
          "trace extending one feeds only its new positions; 0 turns "
          "incremental scoring off");
ABSL_FLAG(absl::Duration, drain_timeout, absl::Seconds(10),
          "on SIGTERM, how long in-flight calls may take to finish");

int main(int argc, char** argv) {
  arts::server::BlockShutdownSignals();
  arts::server::SetServerUsage("arts-verifier",
                               "arts-verifier [--flags]: the Verifier service");
  absl::ParseCommandLine(argc, argv);
  arts::server::ServerFlags flags;
  flags.listen = absl::GetFlag(FLAGS_listen);
  flags.metrics_listen = absl::GetFlag(FLAGS_metrics_listen);
  flags.model = absl::GetFlag(FLAGS_model);
  const int threads = absl::GetFlag(FLAGS_threads);
  flags.drain_timeout = absl::GetFlag(FLAGS_drain_timeout);
  flags.service_name = arts::v1::Verifier::service_full_name();
  flags.connection = arts::server::ConnectionOptionsFromFlags();
  arts::server::VerifierService::Options options;
  options.preferred_batch = absl::GetFlag(FLAGS_preferred_batch);
  options.max_queue_delay = absl::GetFlag(FLAGS_max_queue_delay);
  options.max_batch = absl::GetFlag(FLAGS_max_batch);
  options.queue.max_queue = absl::GetFlag(FLAGS_max_queue);
  const int cache_mb = absl::GetFlag(FLAGS_prefix_cache_mb);
  options.cache_bytes = int64_t{cache_mb} << 20;
  flags.check_flags = [&options, cache_mb, threads]() -> absl::Status {
    using arts::server::CheckFlagRange;
    for (absl::Status s :
         {CheckFlagRange("--max_batch", options.max_batch, 1, 4096),
          CheckFlagRange("--preferred_batch", options.preferred_batch, 1,
                         options.max_batch),
          CheckFlagRange("--max_queue", options.queue.max_queue, 1, 100000),
          CheckFlagRange("--prefix_cache_mb", cache_mb, 0, 1 << 20)}) {
      if (!s.ok()) return s;
    }
    if (options.max_queue_delay < absl::ZeroDuration() ||
        options.max_queue_delay > absl::Seconds(1)) {
      return absl::InvalidArgumentError("--max_queue_delay: must be 0 to 1s");
    }
    return arts::server::ApplyThreadsFlag(threads);
  };
  arts::server::RpcMetrics metrics("verifier");
  arts::server::VerifierService service(metrics, options);
  return arts::server::RunServerMain(
      "arts-verifier", flags, metrics, service,
      [&service](const std::string& path) -> absl::StatusOr<int64_t> {
        if (arts::backends::IsExactVerifier(path)) {
          service.SetExactVerifier();
          return 0;
        }
        const std::string tokenizer = absl::GetFlag(FLAGS_tokenizer_model);
        const bool scripted = arts::verifier::FlowVerifier::IsTorchScript(path);
        if (scripted && tokenizer.empty()) {
          return absl::InvalidArgumentError(
              "a TorchScript model: name its SentencePiece model with "
              "--tokenizer_model");
        }
        if (!scripted && !tokenizer.empty()) {
          return absl::InvalidArgumentError(
              "--tokenizer_model goes with a TorchScript model; a checkpoint "
              "of ours carries its tokenizer");
        }
        auto verifier =
            scripted
                ? arts::verifier::FlowVerifier::LoadTorchScript(path, tokenizer)
                : arts::verifier::FlowVerifier::Load(path);
        if (!verifier.ok()) return verifier.status();
        service.SetModel(*std::move(verifier), path);
        return service.num_parameters();
      });
}
