#ifndef ARTS_CORE_VERIFIER_BACKUP_LOSS_H_
#define ARTS_CORE_VERIFIER_BACKUP_LOSS_H_

#include <torch/torch.h>

#include <vector>

#include "absl/status/statusor.h"
#include "core/model/tokenizer.h"
#include "core/model/transformer.h"
#include "core/verifier/backup_states.h"

namespace arts::verifier {

// The network's raw output x at the end of each state's trace, [states];
// log F = log sigmoid(x).
absl::StatusOr<torch::Tensor> StateOutputs(
    model::TransformerImpl& net, const model::Tokenizer& tokenizer,
    const std::vector<const BackupState*>& states, int max_len);

// The full-backup target of each state, [states], with no gradient:
//   y(s) = log sum_c w(c|s) V(c),  V(c) = R(c) at leaves, else F_net(s.c),
// over every legal child c; a leaf state's target is its own log R. The
// network is evaluated in no-grad mode (a stop-gradient target network), in
// chunks of `chunk` children per forward pass.
absl::StatusOr<torch::Tensor> BackupTargets(
    model::TransformerImpl& net, const model::Tokenizer& tokenizer,
    const std::vector<const BackupState*>& states, int max_len,
    int chunk = 512);

// Mean squared error in log space between log sigmoid(outputs) and the
// targets (clamped below 0, where log sigmoid can reach).
torch::Tensor BackupLoss(const torch::Tensor& outputs,
                         const torch::Tensor& targets);

}  // namespace arts::verifier

#endif  // ARTS_CORE_VERIFIER_BACKUP_LOSS_H_
