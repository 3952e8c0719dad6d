#ifndef ARTS_CORE_VERIFIER_BALANCE_LOSS_H_
#define ARTS_CORE_VERIFIER_BALANCE_LOSS_H_

#include <torch/torch.h>

#include <vector>

#include "absl/status/statusor.h"
#include "core/verifier/balance_paths.h"
#include "core/verifier/flow_verifier.h"

namespace arts::verifier {

// Sub-trajectory balance, SubTB(lambda) (Madan et al. 2023, arXiv
// 2209.12782), over sampled paths of a tree-shaped MDP (P_B = 1):
//   delta(i, j) = log F(s_i) + sum_{k=i}^{j-1} log P_F(s_{k+1} | s_k)
//                 - log F(s_j)
// for every 0 <= i < j <= L of a path, weighted lambda^(j - i - 1) and
// normalised by the path's total weight; the loss is the mean over paths
// of the weighted mean of delta^2. lambda = 0 keeps the one-step terms
// only: detailed balance (Bengio et al. 2023). log F = log sigmoid of
// `flow`'s output, but the reward at a terminal s_L; the forward policy is
// a softmax over the legal steps of `policy`'s outputs on the states they
// lead to, so that F(s) P_F(c | s) = F(s.c) makes F(s) the sum of its
// children's flows (GFlowNet's w = 1).
absl::StatusOr<torch::Tensor> SubTrajectoryBalanceLoss(
    const FlowVerifier& flow, const FlowVerifier& policy,
    const std::vector<const BalancePath*>& paths, double lambda);

}  // namespace arts::verifier

#endif  // ARTS_CORE_VERIFIER_BALANCE_LOSS_H_
