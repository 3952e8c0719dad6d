#ifndef ARTS_CORE_SEARCH_SEARCH_H_
#define ARTS_CORE_SEARCH_SEARCH_H_

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "core/backend/policy.h"
#include "core/backend/scorer.h"
#include "core/search/search_options.h"
#include "core/search/search_result.h"
#include "core/search/search_run.h"

namespace arts::search {

// Solves `problem` with the strategy in `options`, on the calling thread:
// the synchronous driver of a SearchRun (core/search/search_run.h), for the
// CLI, the evaluation harness and tests. Each round's calls are made one
// after the other; the orchestrator runs the same searches on a SearchPool
// (core/search/search_pool.h), with the same answers for the same seed.
//
// The problem belongs to options.task (core/task): an unknown task or a
// problem that is not one of the task's is INVALID_ARGUMENT naming the field
// ("task: ...", "problem: ...").
//
// Errors: INVALID_ARGUMENT naming the field for a bad problem or option;
// DEADLINE_EXCEEDED when the deadline passes; a backend's own code (e.g.
// UNAVAILABLE) with its name, "generator: ..." or "verifier: ...". When the
// verifier is UNAVAILABLE and `allow_unverified` is set, the result is
// best-of-N ranked by log pi with `verified` false instead. Budgets end a
// search early with what it found and `stop_reason` naming the budget.
//
// `scorer` may be null only for majority_vote or with `allow_unverified`.
absl::StatusOr<SearchResult> RunSearch(backend::Policy& policy,
                                       backend::Scorer* scorer,
                                       absl::string_view problem,
                                       const SearchOptions& options,
                                       const EventSink& events = nullptr);

// Runs `run` to its end over `policy` and `scorer` (null only when the run
// needs no verifier), on the calling thread.
absl::StatusOr<SearchResult> RunToEnd(SearchRun& run, backend::Policy& policy,
                                      backend::Scorer* scorer);

}  // namespace arts::search

#endif  // ARTS_CORE_SEARCH_SEARCH_H_
