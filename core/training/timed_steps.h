#ifndef ARTS_CORE_TRAINING_TIMED_STEPS_H_
#define ARTS_CORE_TRAINING_TIMED_STEPS_H_

#include <cstdint>
#include <functional>
#include <ostream>

#include "absl/status/status.h"
#include "absl/status/statusor.h"

namespace arts::training {

// How long a step-based training run goes, and how often it reports.
struct TimedStepsOptions {
  int epochs = 1;
  int64_t steps_per_epoch = 1;
  // Stop after this many minutes (0: no limit); the run still validates and
  // saves once at the end.
  double max_minutes = 0;
  int log_every = 100;       // steps between progress lines
  int validate_every = 500;  // steps between validations and saves
};

// Called after each validation with the steps done and the validation loss;
// saves the checkpoint.
using SaveCheckpoint = std::function<absl::Status(int64_t step, double loss)>;

// Runs `train_step` (one optimizer step; returns its training loss) for
// epochs x steps_per_epoch steps or until the time limit, printing the mean
// training loss every log_every steps and validating (`validation_loss`,
// then `save`) every validate_every steps and once at the end. The first
// error stops the run.
absl::Status RunTimedSteps(
    const TimedStepsOptions& options,
    const std::function<absl::StatusOr<double>()>& train_step,
    const std::function<absl::StatusOr<double>()>& validation_loss,
    const SaveCheckpoint& save, std::ostream& log);

// The mean of `loss(begin, end)` over [0, count) in slices of `batch`:
// a held-out set's loss, one batch at a time. The first error is returned.
absl::StatusOr<double> MeanOverBatches(
    size_t count, size_t batch,
    const std::function<absl::StatusOr<double>(size_t begin, size_t end)>&
        loss);

}  // namespace arts::training

#endif  // ARTS_CORE_TRAINING_TIMED_STEPS_H_
