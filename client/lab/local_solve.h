#ifndef ARTS_CLIENT_LAB_LOCAL_SOLVE_H_
#define ARTS_CLIENT_LAB_LOCAL_SOLVE_H_

#include <string>

#include "absl/status/statusor.h"
#include "client/cli/search_flags.h"
#include "core/search/search_options.h"

namespace arts::cli {

// SearchOptionsFromFlags, and in this process (no --orchestrator) the
// exact verifier for Countdown only: said before any model loads.
absl::StatusOr<search::SearchOptions> LabSearchOptionsFromFlags();

// How `arts-lab solve` and `arts-lab eval` search: with --orchestrator, on
// that Orchestrator service; otherwise in this process over --model and
// --verifier_model, one search at a time, each within --timeout. `where`
// says which, for logs.
absl::StatusOr<SolveFunction> MakeLabSolveFunction(std::string* where);

}  // namespace arts::cli

#endif  // ARTS_CLIENT_LAB_LOCAL_SOLVE_H_
