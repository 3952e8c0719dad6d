#ifndef ARTS_CORE_VERIFIER_TREE_BATCH_H_
#define ARTS_CORE_VERIFIER_TREE_BATCH_H_

#include <torch/torch.h>

#include <vector>

#include "absl/status/statusor.h"
#include "core/verifier/flow_verifier.h"
#include "core/verifier/trace_encoder.h"
#include "core/verifier/trace_tree.h"

namespace arts::verifier {

// Trees laid out for one forward pass: every root-to-leaf path is one trace,
// so every node is a prefix of some trace, and `node_slot` says where to read
// its score in the [paths, boundaries] output.
struct TreeBatch {
  BoundaryBatch paths;
  torch::Tensor node_slot;  // [nodes] int64 index into the flattened output

  // Flow matching: each expanded node and its sampled children.
  torch::Tensor expanded;          // [E] node index
  torch::Tensor children;          // [E, Kmax] node index (0 where padding)
  torch::Tensor child_is_leaf;     // [E, Kmax] bool: value known from reward
  torch::Tensor child_log_reward;  // [E, Kmax] log max(R, eps) for leaves
  torch::Tensor child_mask;        // [E, Kmax] bool, true where a real child
  torch::Tensor leaves;            // [L] rewarded leaves (terminal or illegal)
  torch::Tensor leaf_log_reward;   // [L] log max(R, eps)

  // Discriminative: each node's share of correct traces through it and how
  // many rewarded traces pass through it.
  torch::Tensor node_label;   // [nodes] float in [0, 1]
  torch::Tensor node_weight;  // [nodes] float, 0 for nodes no trace ends under
};

// Lays out `trees`; `log_epsilon` is the floor for log R (e.g. -12).
absl::StatusOr<TreeBatch> MakeTreeBatch(
    const std::vector<TraceTree>& trees, double log_epsilon, int max_len,
    const TraceEncoder& encoder = *CountdownCharacters());

}  // namespace arts::verifier

#endif  // ARTS_CORE_VERIFIER_TREE_BATCH_H_
