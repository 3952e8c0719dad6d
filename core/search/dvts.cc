// Diverse verifier tree search (Beeching et al., search-and-learn): the N
// proposals per step are split into N / M independent subtrees. Each subtree
// follows the best of its M proposals by log F, so the subtrees explore
// different parts of the tree instead of collapsing onto one beam.
#include <algorithm>

#include "core/search/strategies.h"

namespace arts::search {

absl::StatusOr<StrategyOutcome> RunDvts(SearchContext& context) {
  const SearchOptions& options = context.options();
  const int subtrees = options.n / *options.proposals;
  StrategyOutcome outcome;
  std::vector<Node> heads(subtrees);
  while (!heads.empty()) {
    outcome.stop_reason = context.SpentBudget();
    if (!outcome.stop_reason.empty()) return outcome;
    // Children of every subtree, proposed in one generator call and scored
    // together in one verifier call (as many subtrees as the expansion
    // budget pays for).
    heads.resize(context.AffordableExpansions(static_cast<int>(heads.size())));
    absl::StatusOr<std::vector<std::vector<Node>>> proposed = context.Expand(
        ConstPointers(heads), *options.proposals, /*to_the_end=*/false);
    if (!proposed.ok()) return proposed.status();
    std::vector<std::vector<Node>> children;
    for (std::vector<Node>& group : *proposed) {
      children.push_back(LegalDistinct(std::move(group)));
    }
    absl::Status scored = ScoreGroups(context, children);
    if (!scored.ok()) return scored;
    std::vector<Node> next;
    for (std::vector<Node>& group : children) {
      for (const Node& child : group) {
        if (child.terminal) AddAnswer(context, child, outcome);
      }
      auto best = std::max_element(group.begin(), group.end(),
                                   [](const Node& a, const Node& b) {
                                     return a.log_flow() < b.log_flow();
                                   });
      // A subtree ends when its best step completes the trace or when
      // every proposal was illegal.
      if (best != group.end() && !best->terminal) next.push_back(*best);
    }
    heads = std::move(next);
    context.ReportExpansion(static_cast<int>(heads.size()));
  }
  outcome.stop_reason = "done";
  return outcome;
}

}  // namespace arts::search
