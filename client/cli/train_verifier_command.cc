#include <iostream>

#include "absl/flags/flag.h"
#include "client/cli/commands.h"
#include "client/cli/flag_groups.h"
#include "core/io/default_paths.h"
#include "core/training/verifier_trainer.h"

ABSL_FLAG(std::string, objective, "flow",
          "flow (flow matching) or discriminative");
ABSL_FLAG(std::string, verifier_out,
          arts::io::DefaultModelPath("verifier_flow.ckpt"),
          "where to write the best checkpoint");
ABSL_FLAG(int, epochs, 3, "passes over the trees");
ABSL_FLAG(int, trees_per_batch, 8, "trees per step");
ABSL_FLAG(double, verifier_lr, 1e-3, "learning rate");
ABSL_FLAG(int, verifier_d_model, 64, "model width");
ABSL_FLAG(int, verifier_layers, 2, "transformer layers");
ABSL_FLAG(std::string, verifier_init, "",
          "a generator checkpoint to start from (its "
          "architecture replaces --verifier_d_model/--verifier_layers); empty "
          "= random weights");

namespace arts::cli {

int RunTrainVerifier() {
  training::VerifierTrainingOptions options;
  absl::StatusOr<training::VerifierObjective> objective =
      training::ParseVerifierObjective(absl::GetFlag(FLAGS_objective));
  if (!objective.ok()) {
    std::cerr << "train-verifier: --objective: " << objective.status().message()
              << "\n";
    return 2;
  }
  options.objective = *objective;
  options.trees_dir = absl::GetFlag(FLAGS_trees_dir);
  options.output_path = absl::GetFlag(FLAGS_verifier_out);
  options.seed = absl::GetFlag(FLAGS_seed);
  options.epochs = absl::GetFlag(FLAGS_epochs);
  options.trees_per_batch = absl::GetFlag(FLAGS_trees_per_batch);
  options.learning_rate = absl::GetFlag(FLAGS_verifier_lr);
  const int threads = absl::GetFlag(FLAGS_threads);
  options.threads = threads == 0 ? 2 : threads;
  options.model.d_model = absl::GetFlag(FLAGS_verifier_d_model);
  options.model.num_layers = absl::GetFlag(FLAGS_verifier_layers);
  options.model.num_heads = 4;
  options.model.d_ff = 4 * options.model.d_model;
  options.init_from = absl::GetFlag(FLAGS_verifier_init);
  if (options.epochs < 1 || options.trees_per_batch < 1 ||
      !(options.learning_rate > 0)) {
    std::cerr << "train-verifier: --epochs, --trees_per_batch and "
                 "--verifier_lr must be positive\n";
    return 2;
  }
  absl::Status status = training::TrainVerifier(options, std::cout);
  if (!status.ok()) {
    std::cerr << "train-verifier: " << status << "\n";
    return 1;
  }
  std::cout << "wrote " << options.output_path << "\n";
  return 0;
}

}  // namespace arts::cli
