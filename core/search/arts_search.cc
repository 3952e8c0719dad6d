// ARTS flow-guided tree search. The frontier holds every open partial trace
// with its log F. Each round expands the most promising nodes: k proposals
// from pi each (or, flow-tilted, a larger pool from pi of which k are kept
// with probability proportional to F, so children follow pi * F), all
// proposed in one generator call and scored in one verifier call. It stops when
// enough complete traces look correct (F >= 1/2), when a budget is spent, or
// when nothing is left to expand.
#include <algorithm>
#include <cmath>
#include <queue>
#include <random>
#include <set>

#include "core/search/strategies.h"

namespace arts::search {
namespace {

struct ByFlow {
  bool operator()(const Node& a, const Node& b) const {
    return a.log_flow() < b.log_flow();
  }
};

// Draws `k` of `children` without replacement with probability in
// proportion to F: the top k of log F + Gumbel noise.
std::vector<Node> SampleByFlow(std::vector<Node> children, int k,
                               std::mt19937_64& rng) {
  if (static_cast<int>(children.size()) <= k) return children;
  std::extreme_value_distribution<double> gumbel(0.0, 1.0);
  std::vector<std::pair<double, int>> keys;
  for (int i = 0; i < static_cast<int>(children.size()); ++i) {
    keys.emplace_back(children[i].log_flow() + gumbel(rng), i);
  }
  std::partial_sort(keys.begin(), keys.begin() + k, keys.end(),
                    [](const auto& a, const auto& b) { return a > b; });
  std::vector<Node> kept;
  for (int i = 0; i < k; ++i)
    kept.push_back(std::move(children[keys[i].second]));
  return kept;
}

}  // namespace

absl::StatusOr<StrategyOutcome> RunArts(SearchContext& context) {
  const SearchOptions& options = context.options();
  const double confident = std::log(0.5);
  StrategyOutcome outcome;
  std::priority_queue<Node, std::vector<Node>, ByFlow> frontier;
  frontier.push(Node{});
  std::set<std::vector<std::string>> confident_answers;
  while (true) {
    if (frontier.empty()) {
      outcome.stop_reason = "frontier empty";
      return outcome;
    }
    outcome.stop_reason = context.SpentBudget();
    if (!outcome.stop_reason.empty()) return outcome;
    // The round's parents, expanded in one generator call.
    std::vector<Node> parents;
    const int width = context.AffordableExpansions(options.expand_width);
    while (static_cast<int>(parents.size()) < width && !frontier.empty()) {
      parents.push_back(frontier.top());
      frontier.pop();
    }
    const int pool =
        options.flow_tilted ? options.tilt_pool : options.proposals;
    absl::StatusOr<std::vector<std::vector<Node>>> proposed =
        context.Expand(ConstPointers(parents), pool, /*to_the_end=*/false);
    if (!proposed.ok()) return proposed.status();
    std::vector<std::vector<Node>> children;
    for (std::vector<Node>& group : *proposed) {
      children.push_back(LegalDistinct(std::move(group)));
    }
    absl::Status scored = ScoreGroups(context, children);
    if (!scored.ok()) return scored;
    for (std::vector<Node>& group : children) {
      if (options.flow_tilted) {
        group =
            SampleByFlow(std::move(group), options.proposals, context.rng());
      }
      for (Node& child : group) {
        if (child.terminal) {
          AddAnswer(context, child, outcome);
          if (child.log_flow() >= confident) {
            confident_answers.insert(child.steps);
          }
        } else {
          frontier.push(std::move(child));
        }
      }
    }
    context.ReportExpansion(static_cast<int>(frontier.size()));
    if (static_cast<int>(confident_answers.size()) >=
        options.stop_after_answers) {
      outcome.stop_reason = "answers found";
      return outcome;
    }
  }
}

}  // namespace arts::search
