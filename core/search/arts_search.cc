// ARTS flow-guided tree search. The frontier holds open partial traces by
// priority. Each round expands the most promising ones: k proposals from pi
// each (or, flow-tilted, a larger pool from pi of which k are kept with
// probability proportional to F, so children follow pi * F), all proposed in
// one generator call and scored in one verifier call.
//
// A node is not spent by one expansion. It goes back into the frontier to
// draw more children, at the priority of what a new child is worth:
//   value(s) * (1 - covered(s)),
// where value(s) = (F(s) + sum_c F(c)) / (1 + n) is the node's own F
// updated with its n children's, since F(s) estimates E_pi[F(c)] (flow
// conservation): poor children pull their parent down and the search
// backtracks to a better branch. The root, which is not scored, starts at
// F = 1, so it keeps drawing first steps until they look poor. covered(s)
// is the share of pi's mass under s already drawn, sum pi(c | s) over the
// distinct legal children seen, so a node whose likely steps are all known
// yields to others. A node retires once pi's mass under it is all drawn, or
// after kMaxBarrenExpansions expansions in a row that drew no new legal child
// (so that even a generator that only repeats itself or writes illegal steps
// cannot hold a search without a budget forever).
//
// Stop rule: enough complete traces with F >= 1/2 (`stop_after_answers`;
// F >= stop_confidence when that is higher), or no open node is worth more
// than the best answer found (F estimates the chance that continuing reaches
// a correct answer, so searching on cannot be expected to beat it) once that
// answer has F >= stop_confidence, or a budget, or nothing left to expand.
// The threshold on the second rule is there because "beats every open node"
// is relative: a verifier that scores everything low, or is poorly
// calibrated, makes a doubtful answer beat nodes that are doubtful too, and
// the search used to end on it with most of its budget unspent.
#include <algorithm>
#include <cmath>
#include <limits>
#include <queue>
#include <random>
#include <set>
#include <string>
#include <utility>
#include <vector>

#include "core/search/strategies.h"

namespace arts::search {
namespace {

constexpr double kNegativeInfinity = -std::numeric_limits<double>::infinity();
constexpr int kMaxBarrenExpansions = 8;

struct OpenNode {
  double priority = 0;  // log of what expanding it is expected to be worth
  Node node;
  double covered = 0;        // pi's mass of the distinct children drawn
  double children_flow = 0;  // sum of F over children drawn (dead ends: 0)
  int children = 0;          // children drawn, duplicates included
  int barren = 0;            // expansions in a row with no new legal child
};

struct ByPriority {
  bool operator()(const OpenNode& a, const OpenNode& b) const {
    return a.priority < b.priority;
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

// The priority of drawing another child under `open`, or -inf when pi's
// mass under it is all drawn.
double ReexpansionPriority(const OpenNode& open) {
  const double unexplored = 1 - open.covered;
  if (unexplored <= 1e-6) return kNegativeInfinity;
  const double prior =
      open.node.scored() ? std::exp(open.node.log_flow()) : 1.0;
  const double value = (prior + open.children_flow) / (1.0 + open.children);
  return std::log(value) + std::log(unexplored);
}

class ArtsPlan : public SearchPlan {
 public:
  explicit ArtsPlan(const PlanEnv& env)
      : SearchPlan(env),
        // log 0 = -inf: stop_confidence 0 lets any answer end the search by
        // the second rule, as before the threshold existed.
        sure_enough_(std::log(env.options.stop_confidence)),
        confident_(std::max(std::log(0.5), sure_enough_)) {
    frontier_.push(OpenNode{});
  }

  PlanStep Next() override {
    if (scoring_) return PlanStep::Score(Pointers(children_));
    if (answers_found_) return Finish("answers found");
    if (frontier_.empty()) return Finish("frontier empty");
    std::string spent = env_.budget.Spent();
    if (!spent.empty()) return Finish(std::move(spent));
    if (best_answer_ > kNegativeInfinity && best_answer_ >= sure_enough_ &&
        best_answer_ >= frontier_.top().priority) {
      return Finish("best answer beats every open node");
    }
    // The round's parents, expanded in one generator call.
    parents_.clear();
    const int width =
        env_.budget.AffordableExpansions(env_.options.expand_width);
    while (static_cast<int>(parents_.size()) < width && !frontier_.empty() &&
           frontier_.top().priority > kNegativeInfinity) {
      parents_.push_back(frontier_.top());
      frontier_.pop();
    }
    if (parents_.empty()) return Finish("frontier empty");
    parent_nodes_.clear();
    for (const OpenNode& p : parents_) parent_nodes_.push_back(&p.node);
    const int pool = env_.options.flow_tilted ? env_.options.tilt_pool
                                              : *env_.options.proposals;
    return PlanStep::Expand(parent_nodes_, pool, /*to_the_end=*/false);
  }

  // Only children not drawn before in this search are new; their pi mass
  // is what the parent's expansion uncovered.
  void Expanded(std::vector<std::vector<Node>> proposed) override {
    children_.clear();
    for (size_t i = 0; i < proposed.size(); ++i) {
      OpenNode& parent = parents_[i];
      std::vector<Node> fresh;
      for (Node& child : proposed[i]) {
        ++parent.children;
        if (!drawn_.insert(child.steps).second) continue;
        // Legal steps only: an illegal step is a dead end whatever pi said
        // of it (a generator may not even report its probability).
        if (child.valid) {
          parent.covered += std::exp(child.logprob - parent.node.logprob);
        }
        fresh.push_back(std::move(child));
      }
      children_.push_back(LegalDistinct(std::move(fresh)));
      parent.barren = children_.back().empty() ? parent.barren + 1 : 0;
    }
    scoring_ = true;
  }

  void Scored() override {
    scoring_ = false;
    for (size_t i = 0; i < children_.size(); ++i) {
      std::vector<Node>& group = children_[i];
      OpenNode& parent = parents_[i];
      for (const Node& child : group) {
        if (child.scored()) parent.children_flow += std::exp(child.log_flow());
      }
      if (env_.options.flow_tilted) {
        group =
            SampleByFlow(std::move(group), *env_.options.proposals, env_.rng);
      }
      for (Node& child : group) {
        if (child.terminal) {
          AddAnswer(child);
          best_answer_ = std::max(best_answer_, child.log_flow());
          if (child.log_flow() >= confident_) {
            confident_answers_.insert(child.steps);
          }
        } else {
          const double priority = child.log_flow();
          frontier_.push(OpenNode{priority, std::move(child)});
        }
      }
      parent.priority = ReexpansionPriority(parent);
      if (parent.barren < kMaxBarrenExpansions &&
          parent.priority > kNegativeInfinity) {
        frontier_.push(std::move(parent));
      }
    }
    children_.clear();
    parents_.clear();
    parent_nodes_.clear();
    env_.events.Expansion(static_cast<int>(frontier_.size()));
    if (static_cast<int>(confident_answers_.size()) >=
        env_.options.stop_after_answers) {
      answers_found_ = true;
    }
  }

 private:
  const double sure_enough_;
  const double confident_;
  std::priority_queue<OpenNode, std::vector<OpenNode>, ByPriority> frontier_;
  std::set<std::vector<std::string>> drawn_ = {{}};  // every trace seen
  std::set<std::vector<std::string>> confident_answers_;
  double best_answer_ = kNegativeInfinity;
  // The round in flight: its parents (out of the frontier until it is
  // scored) and their new children, by parent.
  std::vector<OpenNode> parents_;
  std::vector<const Node*> parent_nodes_;
  std::vector<std::vector<Node>> children_;
  bool scoring_ = false;
  bool answers_found_ = false;
};

}  // namespace

std::unique_ptr<SearchPlan> MakeArtsPlan(const PlanEnv& env) {
  return std::make_unique<ArtsPlan>(env);
}

}  // namespace arts::search
