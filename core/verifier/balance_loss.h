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
//   delta(i, j) = log F(s_i) + sum_{k=i}^{j-1} (log P_F(s_{k+1} | s_k)
//                 - log n(s_k)) - log F(s_j)
// for every 0 <= i < j <= L of a path, weighted lambda^(j - i - 1) and
// normalised by the path's total weight; the loss is the mean over paths
// of the weighted mean of delta^2. lambda = 0 keeps the one-step terms
// only: detailed balance (Bengio et al. 2023). log F = log sigmoid of
// `flow`'s output, but the reward at a terminal s_L; the forward policy is
// a softmax over the legal steps of `policy`'s outputs on the states they
// lead to. With kUniform `conservation`, n(s) is the number of legal
// steps, so that F(s) P_F(c|s) = F(s.c) / n(s) makes F(s) the mean of its
// children's flows: the backup's uniform-play flow, on the same scale.
// With kSum the log n term is 0 and F(s) is their sum (GFlowNet's w = 1).
// Added: the mean over terminal ends of (log F(s_L) - log R)^2, since the
// served network scores complete traces too. kPolicy is refused.
absl::StatusOr<torch::Tensor> SubTrajectoryBalanceLoss(
    const FlowVerifier& flow, const FlowVerifier& policy,
    const std::vector<const BalancePath*>& paths, double lambda,
    BackupWeights conservation);

}  // namespace arts::verifier

#endif  // ARTS_CORE_VERIFIER_BALANCE_LOSS_H_
