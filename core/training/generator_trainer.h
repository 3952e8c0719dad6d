#ifndef ARTS_CORE_TRAINING_GENERATOR_TRAINER_H_
#define ARTS_CORE_TRAINING_GENERATOR_TRAINER_H_

#include <cstdint>
#include <ostream>
#include <string>

#include "absl/status/status.h"
#include "core/model/transformer.h"
#include "core/training/base_policy.h"

namespace arts::training {

struct GeneratorTrainingOptions {
  std::string output_path;  // final checkpoint; snapshots go to PATH.stepN
  std::string data_path;    // 24.csv, for the held-out guard and validation
  uint64_t seed = 1;
  int64_t steps = 3000;
  int batch_size = 64;
  double learning_rate = 2e-3;
  double final_lr_ratio = 0.1;  // cosine decay to lr * ratio
  int warmup_steps = 200;
  double weight_decay = 0.01;
  int eval_every = 500;  // steps between validation + snapshot
  int eval_puzzles = 50;
  int threads = 2;
  bool resume = false;  // continue from the newest PATH.stepN snapshot
  model::TransformerConfig model;
  BasePolicyOptions policy;
};

// The training pool's last 100 puzzles (ranks 801-900) are kept out of the
// training data and used for validation during training.
inline constexpr int kFirstValidationRank = countdown::kFirstValidationRank;

// Trains the base generator on traces from the base policy, printing
// progress (loss, tokens/s, ETA) to `log`.
absl::Status TrainGenerator(const GeneratorTrainingOptions& options,
                            std::ostream& log);

}  // namespace arts::training

#endif  // ARTS_CORE_TRAINING_GENERATOR_TRAINER_H_
