#include "core/verifier/losses.h"

#include "core/verifier/flow_verifier.h"

namespace arts::verifier {

torch::Tensor NodeOutputs(model::TransformerImpl& net, const TreeBatch& batch) {
  return OutputsAtBoundaries(net, batch.paths)
      .reshape({-1})
      .index_select(0, batch.node_slot);
}

FlowMatchingLoss ComputeFlowMatchingLoss(const torch::Tensor& node_outputs,
                                         const TreeBatch& batch,
                                         double leaf_weight,
                                         Conservation conservation) {
  torch::Tensor log_flow = torch::log_sigmoid(node_outputs);
  FlowMatchingLoss loss;
  if (batch.expanded.numel() > 0) {
    torch::Tensor child_log_flow =
        log_flow.index_select(0, batch.children.reshape({-1}))
            .view(batch.children.sizes());
    torch::Tensor values =
        torch::where(batch.child_is_leaf, batch.child_log_reward,
                     child_log_flow)
            .masked_fill(batch.child_mask.logical_not(), -1e9);
    torch::Tensor count = batch.child_mask.sum(1).to(torch::kFloat);
    torch::Tensor log_children = torch::logsumexp(values, 1);
    if (conservation == Conservation::kMean) {
      log_children = log_children - count.log();
    }
    torch::Tensor r = log_flow.index_select(0, batch.expanded) - log_children;
    loss.conservation = r.pow(2).mean();
  } else {
    loss.conservation = torch::zeros({}, torch::kFloat);
  }
  if (batch.leaves.numel() > 0) {
    torch::Tensor r =
        log_flow.index_select(0, batch.leaves) - batch.leaf_log_reward;
    loss.terminal = r.pow(2).mean();
  } else {
    loss.terminal = torch::zeros({}, torch::kFloat);
  }
  loss.total = loss.conservation + leaf_weight * loss.terminal;
  return loss;
}

torch::Tensor ComputeDiscriminativeLoss(const torch::Tensor& node_outputs,
                                        const TreeBatch& batch) {
  torch::Tensor per_node = torch::binary_cross_entropy_with_logits(
      node_outputs, batch.node_label, /*weight=*/{}, /*pos_weight=*/{},
      at::Reduction::None);
  return (per_node * batch.node_weight).sum() /
         batch.node_weight.sum().clamp_min(1);
}

torch::Tensor ComputeMonteCarloLoss(const torch::Tensor& node_outputs,
                                    const TreeBatch& batch) {
  torch::Tensor labelled = batch.node_weight > 0;
  torch::Tensor error =
      (torch::sigmoid(node_outputs) - batch.node_label).pow(2);
  return (error * labelled).sum() / labelled.sum().clamp_min(1);
}

}  // namespace arts::verifier
