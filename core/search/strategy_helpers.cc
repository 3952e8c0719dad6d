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

}  // namespace arts::search
