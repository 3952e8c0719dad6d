// arts-orchestrator-local: the Orchestrator service over the generator and
// the verifier loaded in this process (one-machine use), with the same
// flags for listening, tokens and search limits as arts-orchestrator. Each
// model is owned by one scheduler, as in arts-generator and arts-verifier,
// so concurrent searches share its decode steps and forward passes
// (arts_generator_calls_per_step on /metrics).
#include <iostream>
#include <memory>
#include <utility>

#include "absl/flags/flag.h"
#include "absl/flags/parse.h"
#include "absl/flags/usage.h"
#include "absl/strings/str_cat.h"
#include "backends/local/local_models.h"
#include "core/io/default_paths.h"
#include "server/front_door_flags.h"
#include "server/models/generation_metrics.h"
#include "server/models/threads_flag.h"
#include "server/orchestrator_flags.h"
#include "server/orchestrator_service.h"
#include "server/rpc_metrics.h"
#include "server/search_backends.h"
#include "server/server_main.h"
#include "server/server_runner.h"

ABSL_FLAG(std::string, generator_model,
          arts::io::DefaultModelPath("generator.ckpt"),
          "the generator checkpoint");
ABSL_FLAG(std::string, verifier_model,
          arts::io::DefaultModelPath("verifier_flow.ckpt"),
          "the verifier checkpoint, or 'exact' for the exact verifier "
          "(Countdown's solver, no model)");
ABSL_FLAG(int, threads, 1, "CPU threads for LibTorch and OpenBLAS");

namespace {

// The models as every Solve's backends. The service owns this, and its
// searches end before it goes.
class LocalBackends : public arts::server::SearchBackends {
 public:
  explicit LocalBackends(std::unique_ptr<arts::backends::LocalModels> models)
      : models_(std::move(models)) {}
  arts::server::CallBackends ForCall(const grpc::ServerContextBase&) override {
    arts::server::CallBackends backends;
    backends.policy = &models_->policy();
    backends.scorer = &models_->scorer();
    return backends;
  }

 private:
  std::unique_ptr<arts::backends::LocalModels> models_;
};

}  // namespace

int main(int argc, char** argv) {
  arts::server::BlockShutdownSignals();
  arts::server::SetServerUsage(
      "arts-orchestrator-local",
      "arts-orchestrator-local [--flags]: the Orchestrator service over "
      "models in this process");
  absl::ParseCommandLine(argc, argv);
  arts::server::ServerFlags flags = arts::server::OrchestratorServerFlags(
      absl::StrCat("in-process ", absl::GetFlag(FLAGS_generator_model), " and ",
                   absl::GetFlag(FLAGS_verifier_model)));
  flags.model_flag = "--generator_model/--verifier_model";
  const int threads = absl::GetFlag(FLAGS_threads);
  const std::function<absl::Status()> check_search = flags.check_flags;
  flags.check_flags = [check_search, threads]() -> absl::Status {
    if (absl::Status s = check_search(); !s.ok()) return s;
    return arts::server::ApplyThreadsFlag(threads);
  };
  absl::StatusOr<std::unique_ptr<arts::server::BearerAuth>> auth =
      arts::server::AuthFromFlags();
  if (!auth.ok()) {
    std::cerr << "arts-orchestrator-local: " << auth.status().message() << "\n";
    return 2;
  }
  const arts::server::OrchestratorOptions options =
      arts::server::OrchestratorOptionsFromFlags();
  arts::server::RpcMetrics metrics("orchestrator");
  arts::server::GenerationMetrics generation_metrics(metrics.registry());
  arts::server::OrchestratorService service(metrics, options, *std::move(auth));
  absl::StatusOr<std::unique_ptr<arts::server::HttpFrontDoor>> front_door =
      arts::server::FrontDoorFromFlags(
          metrics.registry(), service.auth(),
          {{"generator", absl::GetFlag(FLAGS_generator_model)},
           {"verifier", absl::GetFlag(FLAGS_verifier_model)}});
  if (!front_door.ok()) {
    std::cerr << "arts-orchestrator-local: " << front_door.status().message()
              << "\n";
    return 2;
  }
  return arts::server::RunServerMain(
      "arts-orchestrator-local", flags, metrics, service,
      [&](const std::string&) -> absl::StatusOr<int64_t> {
        arts::backends::LocalModelsOptions local;
        local.generator = absl::GetFlag(FLAGS_generator_model);
        local.verifier = absl::GetFlag(FLAGS_verifier_model);
        local.generation_hooks = generation_metrics.Hooks();
        // Every running search may have a call queued: the schedulers'
        // queues refuse none of them, and a call waits as long as its
        // search's deadline allows.
        local.generation.queue = {options.max_running,
                                  absl::InfiniteDuration()};
        local.scoring.queue = {options.max_running, absl::InfiniteDuration()};
        absl::StatusOr<std::unique_ptr<arts::backends::LocalModels>> models =
            arts::backends::LocalModels::Load(std::move(local));
        if (!models.ok()) return models.status();
        const int64_t parameters = (*models)->num_parameters();
        service.SetBackends(
            std::make_unique<LocalBackends>(*std::move(models)));
        return parameters;
      },
      front_door->get());
}
