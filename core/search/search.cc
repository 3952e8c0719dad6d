#include "core/search/search.h"

#include "absl/status/status.h"
#include "absl/strings/str_cat.h"
#include "core/search/search_context.h"
#include "core/search/strategies.h"

namespace arts::search {
namespace {

absl::StatusOr<StrategyOutcome> RunStrategy(SearchContext& context) {
  switch (context.options().strategy) {
    case Strategy::kBestOfN:
      return RunBestOfN(context);
    case Strategy::kWeightedVote:
      return RunVote(context, /*weighted=*/true);
    case Strategy::kMajorityVote:
      return RunVote(context, /*weighted=*/false);
    case Strategy::kBeam:
      return RunBeam(context);
    case Strategy::kArts:
      return RunArts(context);
    case Strategy::kDvts:
      return RunDvts(context);
  }
  return absl::InvalidArgumentError("strategy: unknown");
}

}  // namespace

absl::StatusOr<SearchResult> RunSearch(backend::Policy& policy,
                                       backend::Scorer* scorer,
                                       absl::string_view problem,
                                       const SearchOptions& options,
                                       const EventSink& events) {
  absl::Status valid = ValidateSearchOptions(options);
  if (!valid.ok()) return valid;
  absl::StatusOr<const task::Task*> task = task::TaskOrError(options.task);
  if (!task.ok()) return task.status();
  if (absl::Status s = (*task)->CheckProblem(problem); !s.ok()) {
    return absl::InvalidArgumentError(absl::StrCat("problem: ", s.message()));
  }
  SearchContext context(policy, scorer, **task, std::string(problem), options,
                        events);
  const bool needs_verifier = options.strategy != Strategy::kMajorityVote;
  SearchResult result;
  absl::StatusOr<StrategyOutcome> outcome;
  if (needs_verifier && scorer == nullptr) {
    if (!options.allow_unverified) {
      return absl::FailedPreconditionError(
          absl::StrCat(StrategyName(options.strategy), " needs a verifier"));
    }
  } else {
    outcome = RunStrategy(context);
  }
  const bool fall_back =
      options.allow_unverified &&
      (scorer == nullptr || (!outcome.ok() && context.verifier_failed() &&
                             absl::IsUnavailable(outcome.status())));
  if (fall_back) {
    result.verified = false;
    outcome = RunUnverifiedBestOfN(context);
  }
  if (!outcome.ok()) return outcome.status();
  result.answers = TopAnswers(std::move(outcome->answers), options.top_n);
  result.stop_reason = outcome->stop_reason;
  result.cost = context.cost();
  return result;
}

}  // namespace arts::search
