#ifndef ARTS_CLIENT_CLI_SEARCH_FLAGS_H_
#define ARTS_CLIENT_CLI_SEARCH_FLAGS_H_

#include <functional>
#include <memory>
#include <string>

#include "absl/status/statusor.h"
#include "client/cli/flag_groups.h"
#include "client/cli/flag_reader.h"
#include "client/orchestrator_client.h"
#include "core/search/search_options.h"
#include "core/search/search_result.h"

namespace arts::cli {

// The search flags shared by `arts solve`, `arts loadtest` and `arts-lab
// solve`/`eval` (--strategy, --samples, --beam_width, ..., and the sampling
// flags a search reads: --seed, --temperature, --top_p, --constrained) as
// options; a bad value is an error naming its flag.
absl::StatusOr<search::SearchOptions> ReadSearchOptions(FlagReader& flags);

// Runs one search and returns its result.
using SolveFunction = std::function<absl::StatusOr<search::SearchResult>(
    const std::string& problem, const search::SearchOptions& options)>;

// The Orchestrator `arts` calls by default.
inline constexpr char kDefaultOrchestrator[] = "127.0.0.1:50050";

// --orchestrator as it is ("" for arts-lab: search in this process).
std::string ReadOrchestrator(FlagReader& flags);
// `address`, or kDefaultOrchestrator when it is empty.
std::string OrchestratorOrDefault(const std::string& address);

// A client of the Orchestrator at `address`, over a channel secured as
// `security` says and carrying its token; errors name the flag.
absl::StatusOr<std::shared_ptr<client::OrchestratorClient>>
MakeOrchestratorClient(const std::string& address,
                       const OrchestratorSecurity& security);

// Searches on the Orchestrator `client` talks to, within the connection's
// timeout; with wait_for_ready, asks again while it is still starting.
SolveFunction RemoteSolveFunction(
    std::shared_ptr<client::OrchestratorClient> client,
    const ConnectionOptions& connection);

}  // namespace arts::cli

#endif  // ARTS_CLIENT_CLI_SEARCH_FLAGS_H_
