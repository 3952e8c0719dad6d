#include "client/lab/local_solve.h"

#include <memory>
#include <utility>

#include "absl/flags/flag.h"
#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"
#include "backends/local/exact_scorer.h"
#include "backends/local/load_scorer.h"
#include "backends/local/local_models.h"
#include "client/lab/lab_flags.h"
#include "core/search/search.h"

namespace arts::cli {

absl::StatusOr<search::SearchOptions> LabSearchOptionsFromFlags() {
  absl::StatusOr<search::SearchOptions> options = SearchOptionsFromFlags();
  if (options.ok() && absl::GetFlag(FLAGS_orchestrator).empty() &&
      backends::IsExactVerifier(absl::GetFlag(FLAGS_verifier_model)) &&
      !backends::ExactScorer::CheckTask(options->task).ok()) {
    return absl::InvalidArgumentError(
        absl::StrCat("--verifier_model=exact: the exact verifier knows "
                     "countdown only, not --task=",
                     options->task));
  }
  return options;
}

absl::StatusOr<SolveFunction> MakeLabSolveFunction(std::string* where) {
  if (const std::string address = absl::GetFlag(FLAGS_orchestrator);
      !address.empty()) {
    *where = absl::StrCat("orchestrator at ", address);
    absl::StatusOr<std::shared_ptr<client::OrchestratorClient>> client =
        OrchestratorClientFromFlags(address);
    if (!client.ok()) return client.status();
    return RemoteSolveFunction(*std::move(client));
  }
  const std::string generator_path = absl::GetFlag(FLAGS_model);
  const std::string verifier_path = absl::GetFlag(FLAGS_verifier_model);
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
  const absl::Duration timeout = absl::GetFlag(FLAGS_timeout);
  return SolveFunction([models, timeout](const std::string& problem,
                                         search::SearchOptions options) {
    options.deadline = absl::Now() + timeout;
    return search::RunSearch(models->policy(), &models->scorer(), problem,
                             options);
  });
}

}  // namespace arts::cli
