#include "core/verifier/losses.h"

#include "core/model/tokenizer.h"
#include "core/verifier/flow_verifier.h"

namespace arts::verifier {
namespace {

// Each node's value from values per position [batch, time] of the batch's
// paths: the value at the end of the node's prefix.
torch::Tensor AtNodes(const torch::Tensor& per_position,
                      const TreeBatch& batch) {
  return per_position.gather(1, batch.paths.boundaries)
      .reshape({-1})
      .index_select(0, batch.node_slot);
}

}  // namespace

torch::Tensor NodeOutputs(model::TransformerImpl& net, const TreeBatch& batch) {
  return AtNodes(net.Forward(batch.paths.tokens).squeeze(-1), batch);
}

NodeOutputsWithLanguageModel NodeOutputsAndLanguageModelLoss(
    model::TransformerImpl& net, const TreeBatch& batch) {
  const torch::Tensor& tokens = batch.paths.tokens;
  const torch::Tensor outputs = net.Forward(tokens);  // [B, T, 1 + vocab]
  NodeOutputsWithLanguageModel out;
  out.node_outputs = AtNodes(outputs.select(-1, 0), batch);
  // Position t predicts token t + 1; padding is never a target.
  const int64_t time = tokens.size(1);
  const int64_t vocab = outputs.size(-1) - 1;
  const torch::Tensor logits =
      outputs.narrow(1, 0, time - 1).narrow(-1, 1, vocab).reshape({-1, vocab});
  const torch::Tensor targets = tokens.narrow(1, 1, time - 1).reshape({-1});
  out.language_model_loss = torch::nn::functional::cross_entropy(
      logits, targets,
      torch::nn::functional::CrossEntropyFuncOptions().ignore_index(
          model::Tokenizer::kPad));
  return out;
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
