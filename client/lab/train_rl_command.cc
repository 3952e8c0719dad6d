#include <iostream>

#include "absl/flags/flag.h"
#include "client/cli/flag_groups.h"
#include "client/lab/commands.h"
#include "client/lab/lab_flags.h"
#include "core/io/default_paths.h"
#include "core/training/grpo_trainer.h"

ABSL_FLAG(std::string, rl_init, arts::io::DefaultModelPath("generator.ckpt"),
          "the base generator to fine-tune; also the KL reference");
ABSL_FLAG(std::string, rl_out, arts::io::DefaultModelPath("generator_rl.ckpt"),
          "where to write the checkpoint (snapshots: OUT.stepN)");
ABSL_FLAG(int64_t, rl_steps, 200, "GRPO steps (each samples a new batch)");
ABSL_FLAG(int, problems_per_step, 8, "problems sampled per step");
ABSL_FLAG(int, group_size, 8, "samples per problem (the GRPO group), 2-64");
ABSL_FLAG(int, updates_per_batch, 2, "optimizer steps on each batch");
ABSL_FLAG(double, rl_lr, 2e-5, "AdamW learning rate");
ABSL_FLAG(double, clip, 0.2, "the probability ratio is clipped to 1 +- this");
ABSL_FLAG(double, kl_coefficient, 0.04,
          "weight of the per-token KL penalty to the base (k3 estimator)");
ABSL_FLAG(double, generated_fraction, 0.5,
          "share of generated four-number problems (target 24) among the "
          "train-pool puzzles");
ABSL_FLAG(int, rl_eval_every, 50,
          "steps between validation pass@1 (ranks 801-900) and snapshots");
ABSL_FLAG(bool, rl_resume, false,
          "continue from the newest OUT.stepN snapshot");

namespace arts::cli {

namespace {

absl::StatusOr<training::GrpoTrainingOptions> ParseTrainRlOptions(
    FlagReader& flags) {
  training::GrpoTrainingOptions options;
  options.init_path = flags(FLAGS_rl_init);
  options.output_path = flags(FLAGS_rl_out);
  options.data_path = flags(FLAGS_data);
  options.seed = flags(FLAGS_seed);
  options.steps = flags(FLAGS_rl_steps);
  options.problems_per_step = flags(FLAGS_problems_per_step);
  options.group_size = flags(FLAGS_group_size);
  options.updates_per_batch = flags(FLAGS_updates_per_batch);
  options.learning_rate = flags(FLAGS_rl_lr);
  options.loss.clip = flags(FLAGS_clip);
  options.loss.kl_coefficient = flags(FLAGS_kl_coefficient);
  options.generated_fraction = flags(FLAGS_generated_fraction);
  options.eval_every = flags(FLAGS_rl_eval_every);
  options.resume = flags(FLAGS_rl_resume);
  options.threads = TrainingThreads(flags(FLAGS_threads));
  if (options.eval_every < 1 || options.generated_fraction < 0 ||
      options.generated_fraction > 1) {
    return absl::InvalidArgumentError(
        "--rl_eval_every must be positive and --generated_fraction in [0, 1]");
  }
  return options;
}

int RunTrainRl(const training::GrpoTrainingOptions& options) {
  absl::Status status = training::TrainGrpo(options, std::cout);
  if (!status.ok()) {
    std::cerr << "train-rl: " << status << "\n";
    return absl::IsInvalidArgument(status) ? 2 : 1;
  }
  std::cout << "wrote " << options.output_path << "\n";
  return 0;
}

}  // namespace

Command TrainRlCommand() {
  return MakeCommand<training::GrpoTrainingOptions>(
      "train-rl", "GRPO fine-tuning of the base generator (the RL baseline)",
      ParseTrainRlOptions, RunTrainRl);
}

}  // namespace arts::cli
