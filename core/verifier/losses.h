#ifndef ARTS_CORE_VERIFIER_LOSSES_H_
#define ARTS_CORE_VERIFIER_LOSSES_H_

#include <torch/torch.h>

#include "core/model/transformer.h"
#include "core/verifier/tree_batch.h"

namespace arts::verifier {

// The network's raw output x for every node of the batch, [nodes]; the
// verifier's log F is log sigmoid(x).
torch::Tensor NodeOutputs(model::TransformerImpl& net, const TreeBatch& batch);

// A text network that also models its language (MakeVerifierNetwork with
// `language_model`): output 0 of each position is the flow's x, the others
// the logits of the next token. One forward pass gives both the nodes'
// outputs, as NodeOutputs does, and the mean cross-entropy of predicting
// every next real token of the batch's paths.
struct NodeOutputsWithLanguageModel {
  torch::Tensor node_outputs;         // [nodes]
  torch::Tensor language_model_loss;  // scalar, nats per token
};
NodeOutputsWithLanguageModel NodeOutputsAndLanguageModelLoss(
    model::TransformerImpl& net, const TreeBatch& batch);

struct FlowMatchingLoss {
  torch::Tensor total;         // conservation + leaf_weight * terminal
  torch::Tensor conservation;  // mean r(s)^2 over expanded nodes
  torch::Tensor terminal;      // mean r(x)^2 over rewarded leaves
};

// How a parent's flow relates to its k sampled children's.
enum class Conservation {
  kMean,  // F(s) = (1/k) sum_i F(c_i): a Monte Carlo estimate of E_pi[F(c)]
  kSum,   // F(s) = sum_i F(c_i): GFlowNet's sum, over the sampled children
};

// Flow matching (docs/verifier.md has the formulas):
//   r(s) = log F(s) - log( (1/k) sum_i F(s.c_i) )   for expanded s (kMean),
//   r(x) = log F(x) - log max(R(x), eps)             for rewarded leaves x,
// where a child that is a rewarded leaf contributes its known max(R, eps)
// and any other child the network's F. Gradients flow into both sides.
FlowMatchingLoss ComputeFlowMatchingLoss(const torch::Tensor& node_outputs,
                                         const TreeBatch& batch,
                                         double leaf_weight,
                                         Conservation conservation);

// The discriminative baseline: binary cross-entropy of sigmoid(x) against
// the outcome of every rewarded trace through the node (equivalently a soft
// label, the share of correct ones, weighted by their number), averaged over
// traces.
torch::Tensor ComputeDiscriminativeLoss(const torch::Tensor& node_outputs,
                                        const TreeBatch& batch);

// The Monte Carlo process reward model (the ARTS paper's strongest
// baseline): mean squared error of sigmoid(x(s)) against the share of the
// rewarded traces through s that are correct, one term per node that any
// trace ends under.
torch::Tensor ComputeMonteCarloLoss(const torch::Tensor& node_outputs,
                                    const TreeBatch& batch);

}  // namespace arts::verifier

#endif  // ARTS_CORE_VERIFIER_LOSSES_H_
