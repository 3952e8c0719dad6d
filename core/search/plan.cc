#include "core/search/plan.h"

#include <set>
#include <utility>

#include "core/search/answers.h"

namespace arts::search {

PlanStep PlanStep::Expand(std::vector<const Node*> parents, int count,
                          bool to_the_end) {
  PlanStep step;
  step.kind = Kind::kExpand;
  step.parents = std::move(parents);
  step.count = count;
  step.to_the_end = to_the_end;
  return step;
}

PlanStep PlanStep::Score(std::vector<Node*> nodes) {
  PlanStep step;
  step.kind = Kind::kScore;
  step.nodes = std::move(nodes);
  return step;
}

PlanStep PlanStep::Done() { return PlanStep(); }

void SearchPlan::AddAnswer(const Node& node) {
  outcome_.answers.push_back(
      MakeAnswer(node, env_.options.aggregation, env_.task, env_.problem));
  env_.events.OfferAnswer(outcome_.answers.back());
}

PlanStep SearchPlan::Finish(std::string stop_reason) {
  outcome_.stop_reason = std::move(stop_reason);
  return PlanStep::Done();
}

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

std::vector<Node*> Pointers(std::vector<std::vector<Node>>& groups) {
  std::vector<Node*> all;
  for (std::vector<Node>& group : groups) {
    for (Node& node : group) all.push_back(&node);
  }
  return all;
}

}  // namespace arts::search
