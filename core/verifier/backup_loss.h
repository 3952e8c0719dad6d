#ifndef ARTS_CORE_VERIFIER_BACKUP_LOSS_H_
#define ARTS_CORE_VERIFIER_BACKUP_LOSS_H_

#include <torch/torch.h>

#include <random>
#include <vector>

#include "absl/status/statusor.h"
#include "core/verifier/backup_states.h"
#include "core/verifier/flow_verifier.h"

namespace arts::verifier {

// The network's raw output x at the end of each state's trace, [states];
// log F = log sigmoid(x).
absl::StatusOr<torch::Tensor> StateOutputs(
    const FlowVerifier& net, const std::vector<const BackupState*>& states);

// The full-backup target of each state, [states], with no gradient:
//   y(s) = log sum_c w(c|s) V(c),  V(c) = R(c) at leaves, else F(s.c),
// over every legal child c; a leaf state's target is its own log R. F is
// `target`, which may share the trained network's weights: it scores in
// no-grad mode (a stop-gradient target network). Each parent is scored
// first into a prefix cache, so that its children feed only their last
// step's positions, `chunk` children per forward pass.
//
// With `samples` > 0 and an `rng`, a state with more children than that
// draws `samples` of them uniformly (with replacement) and estimates the
// sum in probability space, as importance sampling with q = 1/n does:
//   y(s) = log (n / K) sum_k w(c_k|s) V(c_k).
// The estimate of F is unbiased; its log is not, by less as K grows.
absl::StatusOr<torch::Tensor> BackupTargets(
    const FlowVerifier& target, const std::vector<const BackupState*>& states,
    size_t chunk = 256, size_t samples = 0, std::mt19937_64* rng = nullptr);

// Mean squared error in log space between log sigmoid(outputs) and the
// targets (clamped below 0, where log sigmoid can reach).
torch::Tensor BackupLoss(const torch::Tensor& outputs,
                         const torch::Tensor& targets);

}  // namespace arts::verifier

#endif  // ARTS_CORE_VERIFIER_BACKUP_LOSS_H_
