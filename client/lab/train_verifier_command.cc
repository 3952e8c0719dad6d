#include <cmath>
#include <iostream>

#include "absl/flags/flag.h"
#include "absl/strings/str_cat.h"
#include "client/cli/flag_groups.h"
#include "client/lab/commands.h"
#include "client/lab/lab_flags.h"
#include "core/io/default_paths.h"
#include "core/training/verifier_trainer.h"

ABSL_FLAG(std::string, objective, "flow",
          "flow (flow matching over the sampled children), flow_backup "
          "(conservation over every legal child, bootstrapped from the "
          "network), flow_exact (exact flows by enumeration: the supervised "
          "ceiling), flow_subtb (sub-trajectory balance along the sampled "
          "paths, with a learned forward policy over the legal steps), "
          "discriminative or mc_prm (Monte Carlo process reward model: MSE "
          "against the share of correct rollouts)");
ABSL_FLAG(double, subtb_lambda, 0.9,
          "flow_subtb: weight lambda^(length - 1) of each sub-trajectory; 0 "
          "= detailed balance (one-step terms only)");
ABSL_FLAG(int, paths_per_batch, 64, "flow_subtb: sampled paths per step");
ABSL_FLAG(std::string, backup_weights, "uniform",
          "flow_backup/flow_exact/flow_subtb: a state's F is the mean of "
          "its legal children's (uniform) or their sum (sum); flow_backup: "
          "or the mean of the children the generator sampled in the trees "
          "(policy: w = pi, estimated in probability space)");
ABSL_FLAG(int, states_per_batch, 64, "flow_backup/flow_exact: states per step");
ABSL_FLAG(int, backup_samples, 0,
          "flow_backup: back each training state up from this many of its "
          "children drawn uniformly, estimated in probability space (0 = "
          "every child)");
ABSL_FLAG(double, max_minutes, 0,
          "stop training after this many minutes (0: after --epochs); the "
          "last epoch is cut short, validated and saved");
ABSL_FLAG(int, validate_every, 500,
          "flow_backup/flow_exact/flow_subtb: steps between validations (each "
          "saves)");
ABSL_FLAG(std::string, conservation, "mean",
          "flow: a parent's F is the mean or the sum of its sampled "
          "children's");
ABSL_FLAG(double, reward_correct, 1.0,
          "flow: leaf reward of a correct trace (only its ratio to "
          "--reward_wrong matters)");
ABSL_FLAG(double, reward_wrong, 0.0,
          "flow: leaf reward of a wrong trace or dead end; 0 = floor at "
          "e^-12 of --reward_correct. The paper's log-flow smoothing: "
          "--reward_correct 10 --reward_wrong 0.1");
ABSL_FLAG(std::string, verifier_out,
          arts::io::DefaultModelPath("verifier_flow.ckpt"),
          "where to write the best checkpoint");
ABSL_FLAG(int, epochs, 3, "passes over the trees");
ABSL_FLAG(int, trees_per_batch, 8, "trees per step");
ABSL_FLAG(int, log_every, 100, "steps between progress lines");
ABSL_FLAG(double, verifier_lr, 1e-3, "learning rate");
ABSL_FLAG(int, verifier_d_model, 64, "model width");
ABSL_FLAG(int, verifier_layers, 2, "transformer layers");
ABSL_FLAG(std::string, verifier_architecture, "text",
          "text (a transformer over the trace's characters) or state (the "
          "state network: reads the numbers left and the target; any "
          "objective, random weights, --verifier_d_model and "
          "--verifier_layers set its size)");
ABSL_FLAG(bool, state_pair_head, false,
          "state network: also score each pair of numbers and pool the scores "
          "by log-sum-exp");
ABSL_FLAG(std::string, tokenizer_model, "",
          "trees of the text task: a SentencePiece .model for the text "
          "network; empty = train one on the trees (--subword_vocab pieces)");
ABSL_FLAG(int, subword_vocab, 256,
          "trees of the text task: pieces of the SentencePiece model trained "
          "here when --tokenizer_model is empty");
ABSL_FLAG(int, verifier_max_len, 320,
          "text network: the longest trace it reads, in tokens");
ABSL_FLAG(double, lm_weight, 0,
          "text network from random weights (flow, discriminative, mc_prm): "
          "weight of an auxiliary language-model loss, the same network "
          "predicting each next token of the trees' traces through a second "
          "head that the checkpoint leaves out; 0 = none");
ABSL_FLAG(std::string, verifier_init, "",
          "a generator checkpoint to start from (its "
          "architecture replaces --verifier_d_model/--verifier_layers); empty "
          "= random weights");

namespace arts::cli {

namespace {

absl::StatusOr<training::VerifierTrainingOptions> ParseTrainVerifierOptions(
    FlagReader& flags) {
  // Every flag first, then the checks (flag_reader.h).
  training::VerifierTrainingOptions options;
  const std::string objective_name = flags(FLAGS_objective);
  options.trees_dir = flags(FLAGS_trees_dir);
  options.output_path = flags(FLAGS_verifier_out);
  options.seed = flags(FLAGS_seed);
  options.epochs = flags(FLAGS_epochs);
  options.trees_per_batch = flags(FLAGS_trees_per_batch);
  options.log_every = flags(FLAGS_log_every);
  options.learning_rate = flags(FLAGS_verifier_lr);
  options.threads = TrainingThreads(flags(FLAGS_threads));
  options.model.d_model = flags(FLAGS_verifier_d_model);
  options.model.num_layers = flags(FLAGS_verifier_layers);
  options.model.num_heads = 4;
  options.model.d_ff = 4 * options.model.d_model;
  options.init_from = flags(FLAGS_verifier_init);
  options.tokenizer_model = flags(FLAGS_tokenizer_model);
  options.subword_vocab = flags(FLAGS_subword_vocab);
  options.model.max_len = flags(FLAGS_verifier_max_len);
  options.architecture = flags(FLAGS_verifier_architecture);
  options.state_model.d_model = options.model.d_model;
  options.state_model.num_layers = options.model.num_layers;
  options.state_model.num_heads = options.model.num_heads;
  options.state_model.d_ff = options.model.d_ff;
  options.state_model.pair_head = flags(FLAGS_state_pair_head);
  const std::string conservation = flags(FLAGS_conservation);
  const std::string backup_weights_name = flags(FLAGS_backup_weights);
  options.states_per_batch = flags(FLAGS_states_per_batch);
  options.backup_samples = flags(FLAGS_backup_samples);
  options.max_minutes = flags(FLAGS_max_minutes);
  options.validate_every = flags(FLAGS_validate_every);
  options.subtb_lambda = flags(FLAGS_subtb_lambda);
  options.paths_per_batch = flags(FLAGS_paths_per_batch);
  options.lm_weight = flags(FLAGS_lm_weight);
  const double reward_correct = flags(FLAGS_reward_correct);
  const double reward_wrong = flags(FLAGS_reward_wrong);

  absl::StatusOr<training::VerifierObjective> objective =
      training::ParseVerifierObjective(objective_name);
  if (!objective.ok()) {
    return absl::InvalidArgumentError(
        absl::StrCat("--objective: ", objective.status().message()));
  }
  options.objective = *objective;
  if (options.subword_vocab < 8 || options.subword_vocab > 16000 ||
      options.model.max_len < 16 || options.model.max_len > 4096) {
    return absl::InvalidArgumentError(
        "--subword_vocab must be 8 to 16000 and --verifier_max_len 16 to "
        "4096");
  }
  if (options.architecture != "text" && options.architecture != "state") {
    return absl::InvalidArgumentError(
        absl::StrCat("--verifier_architecture: expected text or state, got '",
                     options.architecture, "'"));
  }
  if (absl::Status s = options.state_model.Validate(); !s.ok()) {
    return absl::InvalidArgumentError(
        absl::StrCat("--verifier_d_model/--verifier_layers: ", s.message()));
  }
  if (conservation != "mean" && conservation != "sum") {
    return absl::InvalidArgumentError(absl::StrCat(
        "--conservation: expected mean or sum, got '", conservation, "'"));
  }
  options.conservation = conservation == "sum" ? verifier::Conservation::kSum
                                               : verifier::Conservation::kMean;
  absl::StatusOr<verifier::BackupWeights> backup_weights =
      verifier::ParseBackupWeights(backup_weights_name);
  if (!backup_weights.ok()) {
    return absl::InvalidArgumentError(
        absl::StrCat("--backup_weights: ", backup_weights.status().message()));
  }
  options.backup_weights = *backup_weights;
  if (!(options.subtb_lambda >= 0) || options.paths_per_batch < 1) {
    return absl::InvalidArgumentError(
        "--subtb_lambda must be at least 0 and --paths_per_batch positive");
  }
  if (options.states_per_batch < 1 || !(options.max_minutes >= 0) ||
      options.validate_every < 1 || options.backup_samples < 0) {
    return absl::InvalidArgumentError(
        "--states_per_batch and --validate_every must be positive, and "
        "--max_minutes and --backup_samples at least 0");
  }
  if (!(reward_correct > 0) || !(reward_wrong >= 0) ||
      !(reward_wrong < reward_correct)) {
    return absl::InvalidArgumentError(
        "--reward_correct must be positive and --reward_wrong in [0, "
        "--reward_correct)");
  }
  if (reward_wrong > 0) {
    options.log_epsilon = std::log(reward_wrong / reward_correct);
  }
  if (!(options.lm_weight >= 0)) {
    return absl::InvalidArgumentError("--lm_weight must be at least 0");
  }
  if (options.epochs < 1 || options.trees_per_batch < 1 ||
      !(options.learning_rate > 0)) {
    return absl::InvalidArgumentError(
        "--epochs, --trees_per_batch and --verifier_lr must be positive");
  }
  return options;
}

int RunTrainVerifier(const training::VerifierTrainingOptions& options) {
  absl::Status status = training::TrainVerifier(options, std::cout);
  if (!status.ok()) {
    std::cerr << "train-verifier: " << status << "\n";
    return 1;
  }
  std::cout << "wrote " << options.output_path << "\n";
  return 0;
}

}  // namespace

Command TrainVerifierCommand() {
  return MakeCommand<training::VerifierTrainingOptions>(
      "train-verifier",
      "train a verifier (flow matching, discriminative or Monte Carlo PRM)",
      ParseTrainVerifierOptions, RunTrainVerifier);
}

}  // namespace arts::cli
