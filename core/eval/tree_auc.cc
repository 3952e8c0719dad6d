#include "core/eval/tree_auc.h"

#include "core/eval/verifier_eval.h"

namespace arts::eval {

absl::StatusOr<std::vector<DepthAuc>> TreeAucByDepth(
    const verifier::FlowVerifier& verifier,
    const std::vector<verifier::TraceTree>& trees, int max_depth,
    int min_leaves) {
  std::vector<std::vector<double>> scores(max_depth + 1);
  std::vector<std::vector<bool>> labels(max_depth + 1);
  for (const verifier::TraceTree& tree : trees) {
    const size_t n = tree.nodes.size();
    std::vector<int> depth(n, 0), leaves(n, 0), correct(n, 0);
    for (size_t i = 1; i < n; ++i) depth[i] = depth[tree.nodes[i].parent] + 1;
    for (size_t i = n; i-- > 0;) {
      const verifier::TreeNode& node = tree.nodes[i];
      if (node.rewarded()) {
        ++leaves[i];
        correct[i] += node.reward > 0.5;
      }
      if (node.parent >= 0) {
        leaves[node.parent] += leaves[i];
        correct[node.parent] += correct[i];
      }
    }
    std::vector<backend::TraceRef> traces;
    std::vector<int> at;
    for (size_t i = 1; i < n; ++i) {
      const verifier::TreeNode& node = tree.nodes[i];
      if (depth[i] > max_depth || !node.valid || node.terminal ||
          leaves[i] < min_leaves) {
        continue;
      }
      traces.push_back({tree.problem, tree.StepsTo(static_cast<int>(i))});
      at.push_back(static_cast<int>(i));
    }
    if (traces.empty()) continue;
    absl::StatusOr<std::vector<std::vector<double>>> scored =
        verifier.Score(traces);
    if (!scored.ok()) return scored.status();
    for (size_t t = 0; t < traces.size(); ++t) {
      const int d = depth[at[t]];
      scores[d].push_back((*scored)[t].back());
      labels[d].push_back(correct[at[t]] > 0);
    }
  }
  std::vector<DepthAuc> out;
  for (int d = 1; d <= max_depth; ++d) {
    DepthAuc row;
    row.depth = d;
    for (bool label : labels[d]) (label ? row.positives : row.negatives) += 1;
    row.auc = Auc(scores[d], labels[d]);
    out.push_back(row);
  }
  return out;
}

}  // namespace arts::eval
