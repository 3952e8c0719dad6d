#ifndef ARTS_CORE_SEARCH_SEARCH_OPTIONS_H_
#define ARTS_CORE_SEARCH_SEARCH_OPTIONS_H_

#include <cstdint>
#include <functional>
#include <optional>
#include <string>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "absl/time/time.h"
#include "core/backend/policy.h"

namespace arts::search {

// The search strategies (docs/search.md).
enum class Strategy {
  kBestOfN,       // N complete samples ranked by the verifier
  kWeightedVote,  // N samples, answers weighted by F
  kMajorityVote,  // N samples, answers counted (no verifier)
  kBeam,          // step-level beam search
  kArts,          // flow-guided best-first tree search
  kDvts,          // diverse verifier tree search
};

inline constexpr Strategy kAllStrategies[] = {
    Strategy::kBestOfN, Strategy::kWeightedVote, Strategy::kMajorityVote,
    Strategy::kBeam,    Strategy::kArts,         Strategy::kDvts};

absl::StatusOr<Strategy> ParseStrategy(absl::string_view name);
std::string StrategyName(Strategy strategy);

// How a complete trace's per-step log flows become one score.
enum class Aggregation { kLast, kMin, kMean };

absl::StatusOr<Aggregation> ParseAggregation(absl::string_view name);
std::string AggregationName(Aggregation aggregation);

// Limits on every parameter, enforced by ValidateSearchOptions.
inline constexpr int kMaxSamples = 256;
inline constexpr int kMaxBeamWidth = 64;
inline constexpr int kMaxProposals = backend::kMaxCandidates;
inline constexpr int kMaxExpandWidth = 64;
inline constexpr int kMaxTopN = 64;
inline constexpr int64_t kMaxTokens = 1'000'000;
inline constexpr int kMaxExpansions = 100'000;
// The defaults that depend on the strategy (docs/search.md). arts runs as
// tuned on the validation puzzles (docs/RESULTS.md): two nodes a round, two
// children each, 256 generated tokens.
inline constexpr int kArtsProposals = 2;
inline constexpr int kOtherProposals = 4;  // beam, dvts
inline constexpr int64_t kArtsMaxTokens = 256;
inline constexpr double kDefaultStopConfidence = 0.5;

// Steps a trace may reach in a search: a deeper one is dropped as a dead
// end, so a generator that never ends a trace cannot hold a search forever.
inline constexpr int kMaxTraceSteps = 256;

struct SearchOptions {
  // The task the problem belongs to (core/task); the generator and the
  // verifier are told it with every call.
  std::string task = backend::kDefaultTask;
  Strategy strategy = Strategy::kArts;
  // best_of_n and votes: complete samples; dvts: proposals per step across
  // all subtrees (subtrees = n / proposals).
  int n = 16;
  int beam_width = 4;  // beam: B kept per step
  // beam, arts: k children per expanded node; dvts: M. Unset: the
  // strategy's default (kArtsProposals, kOtherProposals).
  std::optional<int> proposals;
  int expand_width = 2;  // arts: frontier nodes expanded per round
  // arts: sample children in proportion to pi * F: draw `tilt_pool`
  // candidates from pi, score them, keep `proposals` drawn in proportion to F.
  bool flow_tilted = false;
  int tilt_pool = 16;
  Aggregation aggregation = Aggregation::kLast;
  int top_n = 1;
  // arts: stop once this many distinct complete traces with F >= 1/2 (or
  // F >= stop_confidence when that is higher) exist.
  int stop_after_answers = 1;
  // arts: the least F the best answer needs before "best answer beats every
  // open node" may end the search: an answer the verifier itself doubts
  // does not stop a search that has open nodes and budget left. 0 is the
  // rule without a threshold.
  double stop_confidence = kDefaultStopConfidence;
  // Generated tokens; 0 = no budget. Unset: the strategy's default
  // (kArtsMaxTokens for arts, none for the others).
  std::optional<int64_t> max_tokens;
  int max_expansions = 0;  // nodes expanded; 0 = no budget
  absl::Time deadline = absl::InfiniteFuture();
  // When the Solve arrived (unset: when its search starts). With the
  // deadline, every backend call carries it, and backends serve the oldest
  // Solves' calls first (backend::SolveTimes).
  absl::Time arrival = absl::InfiniteFuture();
  // True once the caller has gone away; checked before every backend call.
  std::function<bool()> cancelled;
  uint64_t seed = 1;
  double temperature = 1.0;
  double top_p = 1.0;
  bool constrained = false;
  // When the verifier is unavailable, answer with best-of-N ranked by pi
  // and marked unverified instead of failing.
  bool allow_unverified = false;
  // Record the tree the search grows: its changes as events (SearchEvent's
  // kTree) and the whole tree in the result. Off, nothing is recorded.
  bool trace_tree = false;
};

// `options` with every unset field given its strategy's default; RunSearch
// searches with these.
SearchOptions WithStrategyDefaults(SearchOptions options);
// `options` with the strategy's defaults, its token budget at most
// `max_tokens` and its expansion budget at most `max_expansions` (an
// operator's ceiling per Solve; "no budget" becomes the ceiling; 0: no
// ceiling).
SearchOptions WithCeilings(SearchOptions options, int64_t max_tokens,
                           int max_expansions);

// InvalidArgument naming the first bad field, e.g. "n: must be 1 to 256".
// Unset fields are checked at their strategy's default.
absl::Status ValidateSearchOptions(const SearchOptions& options);

}  // namespace arts::search

#endif  // ARTS_CORE_SEARCH_SEARCH_OPTIONS_H_
