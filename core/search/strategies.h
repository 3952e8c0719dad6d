#ifndef ARTS_CORE_SEARCH_STRATEGIES_H_
#define ARTS_CORE_SEARCH_STRATEGIES_H_

#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "core/search/search_context.h"

namespace arts::search {

// What a strategy found: every complete trace it considers an answer (the
// caller keeps the top N), and why it stopped.
struct StrategyOutcome {
  std::vector<Answer> answers;
  std::string stop_reason = "done";
};

// best_of_n: N complete samples ranked by aggregated log F.
absl::StatusOr<StrategyOutcome> RunBestOfN(SearchContext& context);
// weighted_vote / majority_vote: N complete samples grouped by final answer;
// a group weighs the sum of F (weighted) or its count (majority).
absl::StatusOr<StrategyOutcome> RunVote(SearchContext& context, bool weighted);
// Best-of-N ranked by log pi, without the verifier: the fallback when it is
// down.
absl::StatusOr<StrategyOutcome> RunUnverifiedBestOfN(SearchContext& context);
// beam: keep the B best partial traces by log F, k proposals each, per step.
absl::StatusOr<StrategyOutcome> RunBeam(SearchContext& context);
// arts: flow-guided best-first tree search (docs/search.md).
absl::StatusOr<StrategyOutcome> RunArts(SearchContext& context);
// dvts: n / M independent subtrees, each following its best of M proposals.
absl::StatusOr<StrategyOutcome> RunDvts(SearchContext& context);

// Helpers the strategies share.
// Drops illegal nodes and repeats of the same trace, keeping first copies.
std::vector<Node> LegalDistinct(std::vector<Node> nodes);
std::vector<Node*> Pointers(std::vector<Node>& nodes);
std::vector<const Node*> ConstPointers(const std::vector<Node>& nodes);
// Scores the nodes of every group in one verifier call.
absl::Status ScoreGroups(SearchContext& context,
                         std::vector<std::vector<Node>>& groups);
// Adds a complete trace to the outcome's answers and offers it as the best
// so far.
void AddAnswer(SearchContext& context, const Node& node,
               StrategyOutcome& outcome);

}  // namespace arts::search

#endif  // ARTS_CORE_SEARCH_STRATEGIES_H_
