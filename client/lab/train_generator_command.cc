#include <iostream>

#include "absl/flags/flag.h"
#include "client/cli/flag_groups.h"
#include "client/lab/commands.h"
#include "client/lab/lab_flags.h"
#include "core/countdown/game24.h"
#include "core/eval/generator_eval.h"
#include "core/io/default_paths.h"
#include "core/model/generator.h"
#include "core/training/generator_trainer.h"

ABSL_FLAG(std::string, out, arts::io::DefaultModelPath("generator.ckpt"),
          "where to write the checkpoint");
ABSL_FLAG(int64_t, steps, 3000, "optimizer steps");
ABSL_FLAG(int, batch_size, 64, "traces per step");
ABSL_FLAG(double, lr, 2e-3, "peak learning rate");
ABSL_FLAG(int, eval_every, 500, "steps between validation and snapshots");
ABSL_FLAG(bool, resume, false, "continue from the newest OUT.stepN snapshot");
ABSL_FLAG(int, d_model, 128, "model width");
ABSL_FLAG(int, layers, 4, "transformer layers");
ABSL_FLAG(int, heads, 4, "attention heads");
ABSL_FLAG(double, p_target24, 0.5,
          "share of examples conditioned on reaching 24");

namespace arts::cli {

namespace {

absl::StatusOr<training::GeneratorTrainingOptions> ParseTrainGeneratorOptions(
    FlagReader& flags) {
  training::GeneratorTrainingOptions options;
  options.output_path = flags(FLAGS_out);
  options.data_path = flags(FLAGS_data);
  options.seed = flags(FLAGS_seed);
  options.steps = flags(FLAGS_steps);
  options.batch_size = flags(FLAGS_batch_size);
  options.learning_rate = flags(FLAGS_lr);
  options.eval_every = flags(FLAGS_eval_every);
  options.threads = TrainingThreads(flags(FLAGS_threads));
  options.resume = flags(FLAGS_resume);
  options.model.d_model = flags(FLAGS_d_model);
  options.model.num_layers = flags(FLAGS_layers);
  options.model.num_heads = flags(FLAGS_heads);
  options.model.d_ff = 4 * options.model.d_model;
  options.policy.p_target24 = flags(FLAGS_p_target24);
  if (options.steps < 1 || options.batch_size < 1 || options.eval_every < 1 ||
      options.threads < 1 || !(options.learning_rate > 0) ||
      options.policy.p_target24 < 0 || options.policy.p_target24 > 1) {
    return absl::InvalidArgumentError(
        "--steps, --batch_size, --eval_every, --threads and --lr must be "
        "positive, --p_target24 in [0,1]");
  }
  return options;
}

int RunTrainGenerator(const training::GeneratorTrainingOptions& options) {
  absl::Status status = training::TrainGenerator(options, std::cout);
  if (!status.ok()) {
    std::cerr << "train-generator: " << status << "\n";
    return 1;
  }
  std::cout << "wrote " << options.output_path << "\n";
  // The model card's numbers: sampled traces on the held-out splits, judged
  // by the checker (never used for training or checkpoint choice).
  auto generator = model::Generator::Load(options.output_path);
  auto puzzles = countdown::LoadGame24(options.data_path);
  if (!generator.ok() || !puzzles.ok()) {
    std::cerr << "train-generator: cannot evaluate: "
              << (generator.ok() ? puzzles.status() : generator.status())
              << "\n";
    return 1;
  }
  for (countdown::Split split :
       {countdown::Split::kTest, countdown::Split::kTail}) {
    for (bool constrained : {false, true}) {
      eval::GeneratorEvalOptions eval_options;
      eval_options.samples = 16;
      eval_options.sampling.seed = options.seed;
      eval_options.sampling.constrained = constrained;
      auto result = eval::EvaluateGenerator(
          **generator, ProblemsOf(*puzzles, split), eval_options);
      if (!result.ok()) {
        std::cerr << "train-generator: " << result.status() << "\n";
        return 1;
      }
      std::cout << "eval split=" << SplitName(split)
                << " constrained=" << constrained << ": " << result->Summary()
                << "\n";
    }
  }
  return 0;
}

}  // namespace

Command TrainGeneratorCommand() {
  return MakeCommand<training::GeneratorTrainingOptions>(
      "train-generator", "train the bundled base generator",
      ParseTrainGeneratorOptions, RunTrainGenerator);
}

}  // namespace arts::cli
