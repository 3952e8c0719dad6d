// Diverse verifier tree search (Beeching et al., search-and-learn): the N
// proposals per step are split into N / M independent subtrees. Each subtree
// follows the best of its M proposals by log F, so the subtrees explore
// different parts of the tree instead of collapsing onto one beam.
#include <algorithm>
#include <utility>
#include <vector>

#include "core/search/strategies.h"

namespace arts::search {
namespace {

class DvtsPlan : public SearchPlan {
 public:
  explicit DvtsPlan(const PlanEnv& env)
      : SearchPlan(env), heads_(env.options.n / *env.options.proposals) {}

  PlanStep Next() override {
    if (scoring_) return PlanStep::Score(Pointers(children_));
    if (heads_.empty()) return Finish("done");
    std::string spent = env_.budget.Spent();
    if (!spent.empty()) return Finish(std::move(spent));
    // Children of every subtree, proposed in one generator call and scored
    // together in one verifier call (as many subtrees as the expansion
    // budget pays for).
    heads_.resize(
        env_.budget.AffordableExpansions(static_cast<int>(heads_.size())));
    return PlanStep::Expand(ConstPointers(heads_), *env_.options.proposals,
                            /*to_the_end=*/false);
  }

  void Expanded(std::vector<std::vector<Node>> proposed) override {
    children_.clear();
    for (std::vector<Node>& group : proposed) {
      children_.push_back(LegalDistinct(std::move(group)));
    }
    scoring_ = true;
  }

  void Scored() override {
    scoring_ = false;
    std::vector<Node> next;
    for (std::vector<Node>& group : children_) {
      for (const Node& child : group) {
        if (child.terminal) AddAnswer(child);
      }
      auto best = std::max_element(group.begin(), group.end(),
                                   [](const Node& a, const Node& b) {
                                     return a.log_flow() < b.log_flow();
                                   });
      // A subtree ends when its best step completes the trace or when
      // every proposal was illegal.
      if (best != group.end() && !best->terminal) next.push_back(*best);
    }
    children_.clear();
    heads_ = std::move(next);
    env_.events.Expansion(static_cast<int>(heads_.size()));
  }

 private:
  std::vector<Node> heads_;
  std::vector<std::vector<Node>> children_;  // the round's, by subtree
  bool scoring_ = false;
};

}  // namespace

std::unique_ptr<SearchPlan> MakeDvtsPlan(const PlanEnv& env) {
  return std::make_unique<DvtsPlan>(env);
}

}  // namespace arts::search
