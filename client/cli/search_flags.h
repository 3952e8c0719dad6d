#ifndef ARTS_CLIENT_CLI_SEARCH_FLAGS_H_
#define ARTS_CLIENT_CLI_SEARCH_FLAGS_H_

#include <functional>
#include <memory>
#include <string>

#include "absl/status/statusor.h"
#include "client/orchestrator_client.h"
#include "core/search/search_options.h"
#include "core/search/search_result.h"

namespace arts::cli {

// The search flags shared by `arts solve` and `arts eval` (--strategy,
// --samples, --beam_width, ...) as options; a bad value is an error naming
// its flag.
absl::StatusOr<search::SearchOptions> SearchOptionsFromFlags();

// Runs one search: in this process over --model and --verifier_model, or,
// with --orchestrator, on a running Orchestrator service.
using SolveFunction = std::function<absl::StatusOr<search::SearchResult>(
    const std::string& problem, const search::SearchOptions& options)>;

// A client of the Orchestrator at `address`, over a channel secured by the
// --tls_* flags and carrying the --token_file token; errors name the flag.
absl::StatusOr<std::shared_ptr<client::OrchestratorClient>>
OrchestratorClientFromFlags(const std::string& address);

// Loads the models or connects, per the flags; `where` describes the choice
// for logs.
absl::StatusOr<SolveFunction> MakeSolveFunction(std::string* where);

}  // namespace arts::cli

#endif  // ARTS_CLIENT_CLI_SEARCH_FLAGS_H_
