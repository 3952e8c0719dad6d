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

}  // namespace

absl::StatusOr<StrategyOutcome> RunArts(SearchContext& context) {
  const SearchOptions& options = context.options();
  // log 0 = -inf: stop_confidence 0 lets any answer end the search by the
  // second rule, as before the threshold existed.
  const double sure_enough = std::log(options.stop_confidence);
  const double confident = std::max(std::log(0.5), sure_enough);
  StrategyOutcome outcome;
  std::priority_queue<OpenNode, std::vector<OpenNode>, ByPriority> frontier;
  frontier.push(OpenNode{});
  std::set<std::vector<std::string>> drawn = {{}};  // every trace seen
  std::set<std::vector<std::string>> confident_answers;
  double best_answer = kNegativeInfinity;
  while (true) {
    if (frontier.empty()) {
      outcome.stop_reason = "frontier empty";
      return outcome;
    }
    outcome.stop_reason = context.SpentBudget();
    if (!outcome.stop_reason.empty()) return outcome;
    if (best_answer > kNegativeInfinity && best_answer >= sure_enough &&
        best_answer >= frontier.top().priority) {
      outcome.stop_reason = "best answer beats every open node";
      return outcome;
    }
    // The round's parents, expanded in one generator call.
    std::vector<OpenNode> parents;
    const int width = context.AffordableExpansions(options.expand_width);
    while (static_cast<int>(parents.size()) < width && !frontier.empty() &&
           frontier.top().priority > kNegativeInfinity) {
      parents.push_back(frontier.top());
      frontier.pop();
    }
    if (parents.empty()) {
      outcome.stop_reason = "frontier empty";
      return outcome;
    }
    std::vector<Node> parent_nodes;
    for (const OpenNode& p : parents) parent_nodes.push_back(p.node);
    const int pool =
        options.flow_tilted ? options.tilt_pool : *options.proposals;
    absl::StatusOr<std::vector<std::vector<Node>>> proposed =
        context.Expand(ConstPointers(parent_nodes), pool, /*to_the_end=*/false);
    if (!proposed.ok()) return proposed.status();
    // Only children not drawn before in this search are new; their pi mass
    // is what the parent's expansion uncovered.
    std::vector<std::vector<Node>> children;
    for (size_t i = 0; i < proposed->size(); ++i) {
      OpenNode& parent = parents[i];
      std::vector<Node> fresh;
      for (Node& child : (*proposed)[i]) {
        ++parent.children;
        if (!drawn.insert(child.steps).second) continue;
        // Legal steps only: an illegal step is a dead end whatever pi said
        // of it (a generator may not even report its probability).
        if (child.valid) {
          parent.covered += std::exp(child.logprob - parent.node.logprob);
        }
        fresh.push_back(std::move(child));
      }
      children.push_back(LegalDistinct(std::move(fresh)));
      parent.barren = children.back().empty() ? parent.barren + 1 : 0;
    }
    absl::Status scored = ScoreGroups(context, children);
    if (!scored.ok()) return scored;
    for (size_t i = 0; i < children.size(); ++i) {
      std::vector<Node>& group = children[i];
      OpenNode& parent = parents[i];
      for (const Node& child : group) {
        if (child.scored()) parent.children_flow += std::exp(child.log_flow());
      }
      if (options.flow_tilted) {
        group =
            SampleByFlow(std::move(group), *options.proposals, context.rng());
      }
      for (Node& child : group) {
        if (child.terminal) {
          AddAnswer(context, child, outcome);
          best_answer = std::max(best_answer, child.log_flow());
          if (child.log_flow() >= confident) {
            confident_answers.insert(child.steps);
          }
        } else {
          const double priority = child.log_flow();
          frontier.push(OpenNode{priority, std::move(child)});
        }
      }
      parent.priority = ReexpansionPriority(parent);
      if (parent.barren < kMaxBarrenExpansions &&
          parent.priority > kNegativeInfinity) {
        frontier.push(std::move(parent));
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
