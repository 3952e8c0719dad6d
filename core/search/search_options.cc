#include "core/search/search_options.h"

#include <utility>

#include "absl/status/status.h"
#include "absl/strings/str_cat.h"

namespace arts::search {
namespace {

constexpr std::pair<Strategy, const char*> kStrategies[] = {
    {Strategy::kBestOfN, "best_of_n"},
    {Strategy::kWeightedVote, "weighted_vote"},
    {Strategy::kMajorityVote, "majority_vote"},
    {Strategy::kBeam, "beam"},
    {Strategy::kArts, "arts"},
    {Strategy::kDvts, "dvts"},
};

constexpr std::pair<Aggregation, const char*> kAggregations[] = {
    {Aggregation::kLast, "last"},
    {Aggregation::kMin, "min"},
    {Aggregation::kMean, "mean"},
};

absl::Status Range(absl::string_view field, int64_t value, int64_t low,
                   int64_t high) {
  if (value < low || value > high) {
    return absl::InvalidArgumentError(
        absl::StrCat(field, ": must be ", low, " to ", high, ", got ", value));
  }
  return absl::OkStatus();
}

}  // namespace

absl::StatusOr<Strategy> ParseStrategy(absl::string_view name) {
  for (const auto& [strategy, text] : kStrategies) {
    if (name == text) return strategy;
  }
  return absl::InvalidArgumentError(absl::StrCat(
      "strategy: unknown '", name,
      "' (best_of_n, weighted_vote, majority_vote, beam, arts, dvts)"));
}

std::string StrategyName(Strategy strategy) {
  for (const auto& [s, text] : kStrategies) {
    if (s == strategy) return text;
  }
  return "unknown";
}

absl::StatusOr<Aggregation> ParseAggregation(absl::string_view name) {
  for (const auto& [aggregation, text] : kAggregations) {
    if (name == text) return aggregation;
  }
  return absl::InvalidArgumentError(
      absl::StrCat("aggregation: unknown '", name, "' (last, min, mean)"));
}

std::string AggregationName(Aggregation aggregation) {
  for (const auto& [a, text] : kAggregations) {
    if (a == aggregation) return text;
  }
  return "unknown";
}

SearchOptions WithStrategyDefaults(SearchOptions options) {
  const bool arts = options.strategy == Strategy::kArts;
  if (!options.proposals.has_value()) {
    options.proposals = arts ? kArtsProposals : kOtherProposals;
  }
  if (!options.max_tokens.has_value()) {
    options.max_tokens = arts ? kArtsMaxTokens : 0;
  }
  return options;
}

SearchOptions WithCeilings(SearchOptions options, int64_t max_tokens,
                           int max_expansions) {
  options = WithStrategyDefaults(std::move(options));
  if (max_tokens > 0 &&
      (*options.max_tokens == 0 || *options.max_tokens > max_tokens)) {
    options.max_tokens = max_tokens;
  }
  if (max_expansions > 0 && (options.max_expansions == 0 ||
                             options.max_expansions > max_expansions)) {
    options.max_expansions = max_expansions;
  }
  return options;
}

absl::Status ValidateSearchOptions(const SearchOptions& unresolved) {
  const SearchOptions options = WithStrategyDefaults(unresolved);
  const int proposals = *options.proposals;
  const absl::Status checks[] = {
      Range("n", options.n, 1, kMaxSamples),
      Range("beam_width", options.beam_width, 1, kMaxBeamWidth),
      Range("proposals", proposals, 1, kMaxProposals),
      Range("expand_width", options.expand_width, 1, kMaxExpandWidth),
      Range("tilt_pool", options.tilt_pool, 1, kMaxProposals),
      Range("top_n", options.top_n, 1, kMaxTopN),
      Range("stop_after_answers", options.stop_after_answers, 1, kMaxTopN),
      Range("max_tokens", *options.max_tokens, 0, kMaxTokens),
      Range("max_expansions", options.max_expansions, 0, kMaxExpansions),
  };
  for (const absl::Status& status : checks) {
    if (!status.ok()) return status;
  }
  if (!(options.stop_confidence >= 0 && options.stop_confidence <= 1)) {
    return absl::InvalidArgumentError("stop_confidence: must be 0 to 1");
  }
  if (options.flow_tilted && options.tilt_pool < proposals) {
    return absl::InvalidArgumentError(absl::StrCat(
        "tilt_pool: must be at least proposals (", proposals, ")"));
  }
  if (options.strategy == Strategy::kDvts && options.n < proposals) {
    return absl::InvalidArgumentError(
        absl::StrCat("n: dvts needs n >= proposals (", proposals,
                     ") to make at least one subtree"));
  }
  if (!(options.temperature >= 0 &&
        options.temperature <= backend::kMaxTemperature)) {
    return absl::InvalidArgumentError(
        absl::StrCat("temperature: must be 0 to ", backend::kMaxTemperature));
  }
  if (!(options.top_p > 0 && options.top_p <= 1)) {
    return absl::InvalidArgumentError("top_p: must be in (0, 1]");
  }
  return absl::OkStatus();
}

}  // namespace arts::search
