#ifndef ARTS_CLIENT_LAB_LOCAL_SOLVE_H_
#define ARTS_CLIENT_LAB_LOCAL_SOLVE_H_

#include <string>

#include "absl/status/statusor.h"
#include "client/cli/flag_groups.h"
#include "client/cli/flag_reader.h"
#include "client/cli/search_flags.h"
#include "core/search/search_options.h"

namespace arts::cli {

// How `arts-lab solve` and `arts-lab eval` search: on --orchestrator, or
// without it in this process over --model and --verifier_model.
struct LabSearchOptions {
  search::SearchOptions search;
  std::string orchestrator;  // "": in this process
  std::string model;
  std::string verifier_model;
  int threads = 0;  // --threads as given
  OrchestratorSecurity security;
  ConnectionOptions connection;
};

// The search flags (ReadSearchOptions) and the above; in this process the
// exact verifier for Countdown only: said before any model loads.
absl::StatusOr<LabSearchOptions> ReadLabSearchOptions(FlagReader& flags);

// The search `options` ask for: on that Orchestrator service, or in this
// process one search at a time, each within the connection's timeout.
// `where` says which, for logs.
absl::StatusOr<SolveFunction> MakeLabSolveFunction(
    const LabSearchOptions& options, std::string* where);

}  // namespace arts::cli

#endif  // ARTS_CLIENT_LAB_LOCAL_SOLVE_H_
