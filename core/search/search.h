#ifndef ARTS_CORE_SEARCH_SEARCH_H_
#define ARTS_CORE_SEARCH_SEARCH_H_

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "core/search/proposer.h"
#include "core/search/scorer.h"
#include "core/search/search_options.h"
#include "core/search/search_result.h"

namespace arts::search {

// Solves `problem` with the strategy in `options`: the entry point shared by
// the Orchestrator service, the CLI and the evaluation harness.
//
// Errors: INVALID_ARGUMENT naming the field for a bad problem or option;
// DEADLINE_EXCEEDED when the deadline passes; a backend's own code (e.g.
// UNAVAILABLE) with its name, "generator: ..." or "verifier: ...". When the
// verifier is UNAVAILABLE and `allow_unverified` is set, the result is
// best-of-N ranked by log pi with `verified` false instead. Budgets end a
// search early with what it found and `stop_reason` naming the budget.
//
// `scorer` may be null only for majority_vote or with `allow_unverified`.
absl::StatusOr<SearchResult> RunSearch(Proposer& proposer, Scorer* scorer,
                                       absl::string_view problem,
                                       const SearchOptions& options,
                                       const EventSink& events = nullptr);

}  // namespace arts::search

#endif  // ARTS_CORE_SEARCH_SEARCH_H_
