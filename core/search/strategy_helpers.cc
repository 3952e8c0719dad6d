#include <set>

#include "core/search/strategies.h"

namespace arts::search {

std::vector<Node> LegalDistinct(std::vector<Node> nodes) {
  std::vector<Node> kept;
  std::set<std::vector<std::string>> seen;
  for (Node& node : nodes) {
    if (node.valid && seen.insert(node.steps).second) {
      kept.push_back(std::move(node));
    }
  }
  return kept;
}

std::vector<Node*> Pointers(std::vector<Node>& nodes) {
  std::vector<Node*> pointers;
  pointers.reserve(nodes.size());
  for (Node& node : nodes) pointers.push_back(&node);
  return pointers;
}

std::vector<const Node*> ConstPointers(const std::vector<Node>& nodes) {
  std::vector<const Node*> pointers;
  pointers.reserve(nodes.size());
  for (const Node& node : nodes) pointers.push_back(&node);
  return pointers;
}

absl::Status ScoreGroups(SearchContext& context,
                         std::vector<std::vector<Node>>& groups) {
  std::vector<Node*> all;
  for (std::vector<Node>& group : groups) {
    for (Node& node : group) all.push_back(&node);
  }
  return context.Score(all);
}

void AddAnswer(SearchContext& context, const Node& node,
               StrategyOutcome& outcome) {
  outcome.answers.push_back(context.MakeAnswer(node));
  context.OfferAnswer(outcome.answers.back());
}

}  // namespace arts::search
