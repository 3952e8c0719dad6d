#ifndef ARTS_CORE_TRAINING_GRPO_TRAINER_H_
#define ARTS_CORE_TRAINING_GRPO_TRAINER_H_

#include <cstdint>
#include <ostream>
#include <string>

#include "absl/status/status.h"
#include "core/training/grpo_loss.h"

namespace arts::training {

// GRPO fine-tuning of a copy of the base generator (the RL baseline of the
// ARTS paper): every step samples `group_size` whole traces of each of
// `problems_per_step` problems from the current policy (temperature 1, no
// constrained decoding, so the sampled tokens' probabilities are the
// model's own), rewards each with the checker (1 correct, 0 otherwise),
// and takes `updates_per_batch` AdamW steps on the GRPO loss with a KL
// penalty to the frozen base.
struct GrpoTrainingOptions {
  std::string init_path;    // the base generator; also the KL reference
  std::string output_path;  // final checkpoint; snapshots go to PATH.stepN
  std::string data_path;    // 24.csv: train-pool puzzles and the guard
  uint64_t seed = 1;
  int64_t steps = 200;
  int problems_per_step = 8;
  int group_size = 8;
  int updates_per_batch = 2;
  double learning_rate = 2e-5;
  GrpoLossOptions loss;
  // Problems: train-pool puzzles (ranks 1-800) and, with this share,
  // generated four-number problems with target 24 (never a test, tail or
  // validation multiset).
  double generated_fraction = 0.5;
  int eval_every = 50;   // validation pass@1 and a snapshot
  int eval_samples = 4;  // per validation puzzle (ranks 801-900)
  int log_every = 10;
  int threads = 2;
  bool resume = false;  // continue from the newest PATH.stepN snapshot
};

absl::Status TrainGrpo(const GrpoTrainingOptions& options, std::ostream& log);

}  // namespace arts::training

#endif  // ARTS_CORE_TRAINING_GRPO_TRAINER_H_
