// Step-level beam search: every step, each of the B beams proposes k next
// steps (all in one generator call), the verifier scores all of them in one
// call, and the B best partial traces by log F go on. Complete traces leave
// the beam as answers.
#include <algorithm>
#include <utility>
#include <vector>

#include "core/search/strategies.h"

namespace arts::search {
namespace {

class BeamPlan : public SearchPlan {
 public:
  explicit BeamPlan(const PlanEnv& env) : SearchPlan(env), beams_(1) {}

  PlanStep Next() override {
    if (scoring_) return PlanStep::Score(Pointers(children_));
    if (beams_.empty()) return Finish("done");
    std::string spent = env_.budget.Spent();
    if (!spent.empty()) return Finish(std::move(spent));
    // Every beam's proposals in one generator call; the best beams first
    // when the expansion budget cannot pay for all of them.
    beams_.resize(
        env_.budget.AffordableExpansions(static_cast<int>(beams_.size())));
    return PlanStep::Expand(ConstPointers(beams_), *env_.options.proposals,
                            /*to_the_end=*/false);
  }

  void Expanded(std::vector<std::vector<Node>> proposed) override {
    std::vector<Node> children;
    for (std::vector<Node>& group : proposed) {
      for (Node& child : group) children.push_back(std::move(child));
    }
    children_ = LegalDistinct(std::move(children));
    scoring_ = true;
  }

  void Scored() override {
    scoring_ = false;
    std::vector<Node> open;
    for (Node& child : children_) {
      if (child.terminal) {
        AddAnswer(child);
      } else {
        open.push_back(std::move(child));
      }
    }
    children_.clear();
    std::stable_sort(open.begin(), open.end(),
                     [](const Node& a, const Node& b) {
                       return a.log_flow() > b.log_flow();
                     });
    if (static_cast<int>(open.size()) > env_.options.beam_width) {
      open.resize(env_.options.beam_width);
    }
    beams_ = std::move(open);
    env_.events.Expansion(static_cast<int>(beams_.size()));
  }

 private:
  std::vector<Node> beams_;
  std::vector<Node> children_;  // the round's, while they are scored
  bool scoring_ = false;
};

}  // namespace

std::unique_ptr<SearchPlan> MakeBeamPlan(const PlanEnv& env) {
  return std::make_unique<BeamPlan>(env);
}

}  // namespace arts::search
