#ifndef ARTS_CORE_TRAINING_STATE_TRAINER_H_
#define ARTS_CORE_TRAINING_STATE_TRAINER_H_

#include <ostream>
#include <vector>

#include "absl/status/status.h"
#include "core/training/timed_steps.h"
#include "core/verifier/backup_states.h"
#include "core/verifier/flow_verifier.h"
#include "core/verifier/trace_tree.h"

namespace arts::training {

// What a state-based objective regresses log F towards.
enum class StateTarget {
  kBackup,  // the full backup over legal children, bootstrapped (shipped)
  kExact,   // exact flows by enumeration (the supervised ceiling)
};

struct StateTrainingOptions {
  StateTarget target = StateTarget::kBackup;
  verifier::BackupOptions backup;
  int epochs = 1;  // an epoch: as many states as the training set holds
  int states_per_batch = 64;
  // kBackup: each training state's target from this many of its children,
  // drawn uniformly, in probability space (0: every child; BackupTargets).
  size_t backup_samples = 0;
  // Stop after this many minutes of training (0: no limit); the last
  // validation's checkpoint is kept.
  double max_minutes = 0;
  int log_every = 100;       // steps between progress lines
  int validate_every = 500;  // steps between validations and saves
  size_t max_validation_states = 2000;
  uint64_t seed = 1;
};

// Trains `net` on the states of `train` (docs/verifier.md: every tree node,
// with its legal children), validating on the states of `held`. Batches are
// drawn by kind of state: 1/8 leaves, 3/8 with two numbers left, 3/8 with
// three, 1/8 with more (the shares of the kinds present, renormalised), so
// that the few states one step in are not drowned by the many two steps in.
absl::Status TrainOnStates(const StateTrainingOptions& options,
                           const verifier::FlowVerifier& net,
                           torch::optim::Optimizer& optimizer,
                           const std::vector<verifier::TraceTree>& train,
                           const std::vector<verifier::TraceTree>& held,
                           const SaveCheckpoint& save, std::ostream& log);

}  // namespace arts::training

#endif  // ARTS_CORE_TRAINING_STATE_TRAINER_H_
