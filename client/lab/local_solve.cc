#include "client/lab/local_solve.h"

#include <memory>
#include <utility>

#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"
#include "backends/local/exact_scorer.h"
#include "backends/local/load_scorer.h"
#include "backends/local/local_models.h"
#include "client/lab/lab_flags.h"
#include "core/search/search.h"

namespace arts::cli {

absl::StatusOr<LabSearchOptions> ReadLabSearchOptions(FlagReader& flags) {
  LabSearchOptions options;
  absl::StatusOr<search::SearchOptions> search = ReadSearchOptions(flags);
  options.orchestrator = ReadOrchestrator(flags);
  options.model = flags(FLAGS_model);
  options.verifier_model = flags(FLAGS_verifier_model);
  options.threads = flags(FLAGS_threads);
  options.security = ReadOrchestratorSecurity(flags);
  options.connection = ReadConnectionOptions(flags);
  if (!search.ok()) return search.status();
  options.search = *std::move(search);
  if (options.orchestrator.empty() &&
      backends::IsExactVerifier(options.verifier_model) &&
      !backends::ExactScorer::CheckTask(options.search.task).ok()) {
    return absl::InvalidArgumentError(
        absl::StrCat("--verifier_model=exact: the exact verifier knows "
                     "countdown only, not --task=",
                     options.search.task));
  }
  return options;
}

absl::StatusOr<SolveFunction> MakeLabSolveFunction(
    const LabSearchOptions& options, std::string* where) {
  if (const std::string& address = options.orchestrator; !address.empty()) {
    *where = absl::StrCat("orchestrator at ", address);
    absl::StatusOr<std::shared_ptr<client::OrchestratorClient>> client =
        MakeOrchestratorClient(address, options.security);
    if (!client.ok()) return client.status();
    return RemoteSolveFunction(*std::move(client), options.connection);
  }
  const std::string& generator_path = options.model;
  const std::string& verifier_path = options.verifier_model;
  // The model services' schedulers, in this process: the same path as
  // arts-orchestrator-local's. One search at a time here, so a Score call
  // waits for no batch to fill.
  backends::LocalModelsOptions local;
  local.generator = generator_path;
  local.verifier = verifier_path;
  local.scoring.max_queue_delay = absl::ZeroDuration();
  absl::StatusOr<std::unique_ptr<backends::LocalModels>> loaded =
      backends::LocalModels::Load(std::move(local));
  if (!loaded.ok()) return loaded.status();
  std::shared_ptr<backends::LocalModels> models = *std::move(loaded);
  *where = absl::StrCat("in-process ", generator_path, " and ", verifier_path);
  const absl::Duration timeout = options.connection.timeout;
  return SolveFunction([models, timeout](const std::string& problem,
                                         search::SearchOptions options) {
    options.deadline = absl::Now() + timeout;
    return search::RunSearch(models->policy(), &models->scorer(), problem,
                             options);
  });
}

}  // namespace arts::cli
