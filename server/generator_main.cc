// arts-generator: serves the frozen base model as arts.v1.Generator.
#include <torch/torch.h>

#include <iostream>

#include "absl/flags/flag.h"
#include "absl/flags/parse.h"
#include "absl/flags/usage.h"
#include "absl/time/time.h"
#include "core/model/generator.h"
#include "server/generator_service.h"
#include "server/rpc_metrics.h"
#include "server/server_runner.h"

ABSL_FLAG(std::string, listen, "127.0.0.1:50051",
          "gRPC address, host:port (port 0 picks a free port)");
ABSL_FLAG(std::string, metrics_listen, "127.0.0.1:9091",
          "Prometheus /metrics address, host:port; empty disables");
ABSL_FLAG(std::string, model, ARTS_MODELS_DIR "/generator.ckpt",
          "generator checkpoint");
ABSL_FLAG(int, threads, 1,
          "CPU threads for LibTorch inside one batch (small batches are "
          "overhead-bound; see docs/BENCHMARKS.md)");
ABSL_FLAG(int, max_concurrent_requests, 8,
          "Propose calls served at once; more get RESOURCE_EXHAUSTED");
ABSL_FLAG(absl::Duration, drain_timeout, absl::Seconds(10),
          "on SIGTERM, how long in-flight calls may take to finish");

int main(int argc, char** argv) {
  arts::server::BlockShutdownSignals();
  absl::SetProgramUsageMessage(
      "arts-generator [--flags]: the Generator service");
  absl::ParseCommandLine(argc, argv);
  const int threads = absl::GetFlag(FLAGS_threads);
  const int max_concurrent = absl::GetFlag(FLAGS_max_concurrent_requests);
  if (threads < 1 || threads > 256) {
    std::cerr << "arts-generator: --threads must be 1 to 256\n";
    return 2;
  }
  if (max_concurrent < 1 || max_concurrent > 1024) {
    std::cerr
        << "arts-generator: --max_concurrent_requests must be 1 to 1024\n";
    return 2;
  }
  torch::set_num_threads(threads);

  arts::server::RpcMetrics metrics("generator");
  const std::string metrics_listen = absl::GetFlag(FLAGS_metrics_listen);
  if (!metrics_listen.empty()) {
    if (absl::Status s = metrics.Serve(metrics_listen); !s.ok()) {
      std::cerr << "arts-generator: " << s.message() << "\n";
      return 2;
    }
  }
  arts::server::GeneratorService service(metrics, max_concurrent);
  auto runner = arts::server::ServerRunner::Start(absl::GetFlag(FLAGS_listen),
                                                  {&service});
  if (!runner.ok()) {
    std::cerr << "arts-generator: " << runner.status().message() << "\n";
    return 2;
  }
  const std::string model_path = absl::GetFlag(FLAGS_model);
  auto generator = arts::model::Generator::Load(model_path);
  if (!generator.ok()) {
    std::cerr << "arts-generator: --model: " << generator.status().message()
              << "\n";
    (*runner)->Shutdown(absl::ZeroDuration());
    return 1;
  }
  const int64_t num_parameters = (*generator)->num_parameters();
  service.SetModel(*std::move(generator), model_path);
  (*runner)->SetServing(true);
  std::cerr << "arts-generator: serving " << model_path << " ("
            << num_parameters << " parameters) on port " << (*runner)->port()
            << (metrics_listen.empty()
                    ? std::string()
                    : ", metrics on port " + std::to_string(metrics.port()))
            << std::endl;

  const std::string signal =
      arts::server::ServerRunner::WaitForShutdownSignal();
  std::cerr << "arts-generator: " << signal << ", draining" << std::endl;
  (*runner)->Shutdown(absl::GetFlag(FLAGS_drain_timeout));
  std::cerr << "arts-generator: stopped" << std::endl;
  return 0;
}
