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

// The search flags shared by `arts solve` and `arts-lab eval` (--strategy,
// --samples, --beam_width, ...) as options; a bad value is an error naming
// its flag.
absl::StatusOr<search::SearchOptions> SearchOptionsFromFlags();

// Runs one search and returns its result.
using SolveFunction = std::function<absl::StatusOr<search::SearchResult>(
    const std::string& problem, const search::SearchOptions& options)>;

// The Orchestrator `arts` calls by default.
inline constexpr char kDefaultOrchestrator[] = "127.0.0.1:50050";
// --orchestrator, or kDefaultOrchestrator when it is empty.
std::string OrchestratorAddress();

// A client of the Orchestrator at `address`, over a channel secured by the
// --tls_* flags and carrying the --token_file token; errors name the flag.
absl::StatusOr<std::shared_ptr<client::OrchestratorClient>>
OrchestratorClientFromFlags(const std::string& address);

// Searches on the Orchestrator `client` talks to, within --timeout; with
// --wait_for_ready, asks again while it is still starting.
SolveFunction RemoteSolveFunction(
    std::shared_ptr<client::OrchestratorClient> client);

}  // namespace arts::cli

#endif  // ARTS_CLIENT_CLI_SEARCH_FLAGS_H_
