#include "core/verifier/tree_batch.h"

#include <algorithm>
#include <cmath>

namespace arts::verifier {

absl::StatusOr<TreeBatch> MakeTreeBatch(const std::vector<TraceTree>& trees,
                                        double log_epsilon, int max_len,
                                        const TraceEncoder& encoder) {
  std::vector<TraceRef> paths;
  std::vector<int64_t> path_of_node, depth_of_node;
  std::vector<int64_t> expanded, leaves;
  std::vector<std::vector<int64_t>> children;
  std::vector<double> leaf_log_reward, reward_sum, reward_count;
  std::vector<bool> is_leaf;
  std::vector<double> log_reward;
  size_t kmax = 1;
  for (const TraceTree& tree : trees) {
    const int64_t offset = static_cast<int64_t>(path_of_node.size());
    const size_t n = tree.nodes.size();
    std::vector<int64_t> depth(n, 0), path(n, -1);
    for (size_t i = 1; i < n; ++i) depth[i] = depth[tree.nodes[i].parent] + 1;
    // One path per childless node; ancestors take the first path through
    // them (a node's score is the same in any trace that contains it).
    for (size_t i = 0; i < n; ++i) {
      if (!tree.nodes[i].children.empty()) continue;
      const int64_t p = static_cast<int64_t>(paths.size());
      paths.push_back({tree.problem, tree.StepsTo(static_cast<int>(i))});
      for (int a = static_cast<int>(i); a >= 0 && path[a] < 0;
           a = tree.nodes[a].parent) {
        path[a] = p;
      }
    }
    std::vector<double> sum(n, 0), count(n, 0);
    for (int i = static_cast<int>(n) - 1; i >= 0; --i) {
      const TreeNode& node = tree.nodes[i];
      if (node.rewarded()) {
        sum[i] += node.reward;
        count[i] += 1;
      }
      if (node.parent >= 0) {
        sum[node.parent] += sum[i];
        count[node.parent] += count[i];
      }
    }
    for (size_t i = 0; i < n; ++i) {
      const TreeNode& node = tree.nodes[i];
      path_of_node.push_back(path[i]);
      depth_of_node.push_back(depth[i]);
      reward_sum.push_back(sum[i]);
      reward_count.push_back(count[i]);
      is_leaf.push_back(node.rewarded());
      log_reward.push_back(node.reward > 0
                               ? std::max(std::log(node.reward), log_epsilon)
                               : log_epsilon);
      if (node.rewarded()) {
        leaves.push_back(offset + i);
        leaf_log_reward.push_back(log_reward.back());
      }
      if (!node.children.empty()) {
        expanded.push_back(offset + i);
        std::vector<int64_t> c;
        for (int child : node.children) c.push_back(offset + child);
        kmax = std::max(kmax, c.size());
        children.push_back(std::move(c));
      }
    }
  }
  absl::StatusOr<BoundaryBatch> encoded =
      EncodeBoundaries(paths, encoder, max_len);
  if (!encoded.ok()) return encoded.status();
  TreeBatch batch;
  batch.paths = *std::move(encoded);
  const int64_t width = batch.paths.boundaries.size(1);
  std::vector<int64_t> slot(path_of_node.size());
  for (size_t i = 0; i < slot.size(); ++i) {
    slot[i] = path_of_node[i] * width + depth_of_node[i];
  }
  batch.node_slot = torch::tensor(slot, torch::kLong);
  const int64_t e = static_cast<int64_t>(expanded.size());
  const int64_t k = static_cast<int64_t>(kmax);
  batch.expanded = torch::tensor(expanded, torch::kLong);
  batch.children = torch::zeros({e, k}, torch::kLong);
  batch.child_is_leaf = torch::zeros({e, k}, torch::kBool);
  batch.child_log_reward = torch::zeros({e, k}, torch::kFloat);
  batch.child_mask = torch::zeros({e, k}, torch::kBool);
  auto children_a = batch.children.accessor<int64_t, 2>();
  auto leaf_a = batch.child_is_leaf.accessor<bool, 2>();
  auto reward_a = batch.child_log_reward.accessor<float, 2>();
  auto mask_a = batch.child_mask.accessor<bool, 2>();
  for (int64_t r = 0; r < e; ++r) {
    for (size_t c = 0; c < children[r].size(); ++c) {
      const int64_t node = children[r][c];
      children_a[r][c] = node;
      leaf_a[r][c] = is_leaf[node];
      reward_a[r][c] = static_cast<float>(log_reward[node]);
      mask_a[r][c] = true;
    }
  }
  batch.leaves = torch::tensor(leaves, torch::kLong);
  batch.leaf_log_reward = torch::tensor(
      std::vector<float>(leaf_log_reward.begin(), leaf_log_reward.end()));
  std::vector<float> label(reward_sum.size()), weight(reward_sum.size());
  for (size_t i = 0; i < label.size(); ++i) {
    weight[i] = static_cast<float>(reward_count[i]);
    label[i] = reward_count[i] > 0
                   ? static_cast<float>(reward_sum[i] / reward_count[i])
                   : 0.0f;
  }
  batch.node_label = torch::tensor(label);
  batch.node_weight = torch::tensor(weight);
  return batch;
}

}  // namespace arts::verifier
