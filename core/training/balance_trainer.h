#ifndef ARTS_CORE_TRAINING_BALANCE_TRAINER_H_
#define ARTS_CORE_TRAINING_BALANCE_TRAINER_H_

#include <ostream>
#include <vector>

#include "absl/status/status.h"
#include "core/training/timed_steps.h"
#include "core/verifier/backup_states.h"
#include "core/verifier/flow_verifier.h"
#include "core/verifier/trace_tree.h"

namespace arts::training {

struct BalanceTrainingOptions {
  // Mean (kUniform: F is uniform play's success, as for the shipped
  // backup) or sum (kSum) conservation, with its terminal rewards
  // (log_reward_correct, log_epsilon).
  verifier::BackupOptions rewards =
      verifier::DefaultBackupOptions(verifier::BackupWeights::kUniform);
  double lambda = 0.9;  // SubTB(lambda); 0 = detailed balance
  int paths_per_batch = 64;
  TimedStepsOptions timing;  // steps_per_epoch is set from the paths
  size_t max_validation_paths = 2000;
  uint64_t seed = 1;
};

// Trains the flow network `flow` and a forward policy `policy` (a network
// of the same kind whose output on a state is its logit among its
// siblings) together by sub-trajectory balance on the sampled paths of
// `train` (every leaf's path), validating on those of `held`. `optimizer`
// holds both networks' parameters. Only `flow` is the verifier; the policy
// exists for training.
absl::Status TrainOnPaths(const BalanceTrainingOptions& options,
                          const verifier::FlowVerifier& flow,
                          const verifier::FlowVerifier& policy,
                          torch::optim::Optimizer& optimizer,
                          const std::vector<verifier::TraceTree>& train,
                          const std::vector<verifier::TraceTree>& held,
                          const SaveCheckpoint& save, std::ostream& log);

}  // namespace arts::training

#endif  // ARTS_CORE_TRAINING_BALANCE_TRAINER_H_
