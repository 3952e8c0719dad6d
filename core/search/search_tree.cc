#include "core/search/search_tree.h"

#include <cmath>
#include <utility>

#include "absl/strings/match.h"

namespace arts::search {

std::string NodeStateName(NodeState state) {
  switch (state) {
    case NodeState::kOpen:
      return "open";
    case NodeState::kExpanded:
      return "expanded";
    case NodeState::kAnswer:
      return "answer";
    case NodeState::kInvalid:
      return "invalid";
    case NodeState::kDead:
      return "dead";
    case NodeState::kBudget:
      return "budget";
    case NodeState::kBeaten:
      return "beaten";
  }
  return "open";
}

std::string TreeChangeName(TreeChange change) {
  switch (change) {
    case TreeChange::kCreated:
      return "created";
    case TreeChange::kDrawnAgain:
      return "drawn_again";
    case TreeChange::kScored:
      return "scored";
    case TreeChange::kExpanded:
      return "expanded";
    case TreeChange::kClosed:
      return "closed";
  }
  return "created";
}

TreeRecorder::TreeRecorder(std::string problem, std::string strategy,
                           CheckSteps check, TreeSink sink)
    : check_(std::move(check)), sink_(std::move(sink)) {
  tree_.problem = std::move(problem);
  tree_.strategy = std::move(strategy);
  TreeNode root;
  tree_.nodes.push_back(root);
  ids_[{}] = 0;
  Tell(TreeChange::kCreated, tree_.nodes[0]);
  Flush();
}

int TreeRecorder::IdOf(const std::vector<std::string>& steps) const {
  auto it = ids_.find(steps);
  return it == ids_.end() ? -1 : it->second;
}

void TreeRecorder::Tell(TreeChange change, const TreeNode& node) {
  if (sink_) pending_.push_back({change, node});
}

void TreeRecorder::Flush() {
  if (!sink_ || pending_.empty()) return;
  sink_(std::move(pending_));
  pending_.clear();
}

void TreeRecorder::Expanded(const std::vector<const Node*>& parents) {
  for (const Node* parent : parents) {
    const int id = IdOf(parent->steps);
    if (id < 0) continue;
    TreeNode& node = tree_.nodes[id];
    ++node.expansions;
    if (node.state == NodeState::kOpen) node.state = NodeState::kExpanded;
    Tell(TreeChange::kExpanded, node);
  }
  Flush();
}

void TreeRecorder::Drawn(const std::vector<const Node*>& parents,
                         const std::vector<std::vector<Node>>& children) {
  for (size_t p = 0; p < parents.size() && p < children.size(); ++p) {
    const int parent_id = IdOf(parents[p]->steps);
    if (parent_id < 0) continue;
    const size_t depth = parents[p]->steps.size();
    for (const Node& child : children[p]) {
      const int known = IdOf(child.steps);
      if (known >= 0) {
        TreeNode& node = tree_.nodes[known];
        node.tokens += child.tokens;
        ++node.draws;
        Tell(TreeChange::kDrawnAgain, node);
        continue;
      }
      TreeNode node;
      node.id = static_cast<int>(tree_.nodes.size());
      node.parent = parent_id;
      if (child.steps.size() > depth) {
        node.steps.assign(child.steps.begin() + static_cast<long>(depth),
                          child.steps.end());
      }
      node.logprob = child.logprob - parents[p]->logprob;
      node.tokens = child.tokens;
      node.draws = 1;
      node.valid = child.valid;
      node.terminal = child.terminal;
      node.answer = child.final_answer;
      node.state = !child.valid     ? NodeState::kInvalid
                   : child.terminal ? NodeState::kAnswer
                                    : NodeState::kOpen;
      if (node.state == NodeState::kAnswer && check_) {
        node.check = check_(child.steps);
      }
      ids_[child.steps] = node.id;
      tree_.nodes.push_back(node);
      Tell(TreeChange::kCreated, tree_.nodes.back());
    }
  }
  Flush();
}

void TreeRecorder::Scored(const std::vector<Node*>& nodes) {
  for (const Node* scored : nodes) {
    if (!scored->scored()) continue;
    const int id = IdOf(scored->steps);
    if (id < 0) continue;
    TreeNode& node = tree_.nodes[id];
    node.log_flow = scored->log_flow();
    Tell(TreeChange::kScored, node);
  }
  Flush();
}

SearchTree TreeRecorder::Finish(const SearchResult& result) {
  tree_.stop_reason = result.stop_reason;
  tree_.cost = result.cost;
  for (size_t i = 0; i < result.answers.size(); ++i) {
    const int id = IdOf(result.answers[i].steps);
    if (id >= 0) tree_.nodes[id].answer_rank = static_cast<int>(i) + 1;
  }
  const bool budget = absl::StrContains(result.stop_reason, "budget");
  for (TreeNode& node : tree_.nodes) {
    if (node.state != NodeState::kOpen) continue;
    if (node.log_flow.has_value() && std::isinf(*node.log_flow) &&
        *node.log_flow < 0) {
      node.state = NodeState::kDead;
    } else {
      node.state = budget ? NodeState::kBudget : NodeState::kBeaten;
    }
    Tell(TreeChange::kClosed, node);
  }
  Flush();
  return tree_;
}

}  // namespace arts::search
