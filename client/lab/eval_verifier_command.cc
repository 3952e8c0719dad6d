#include <iostream>

#include "absl/flags/flag.h"
#include "absl/strings/str_format.h"
#include "backends/local/load_scorer.h"
#include "client/cli/flag_groups.h"
#include "client/cli/split_flags.h"
#include "client/lab/commands.h"
#include "client/lab/lab_flags.h"
#include "core/countdown/game24.h"
#include "core/eval/tree_auc.h"
#include "core/eval/verifier_eval.h"
#include "core/verifier/tree_shards.h"

ABSL_FLAG(int, mc_problems, 20,
          "problems whose generator-sampled one- and two-step states get "
          "Monte Carlo estimates (0 = skip)");
ABSL_FLAG(int, mc_states, 8, "first steps sampled per such problem");
ABSL_FLAG(int, mc_samples, 64, "rollouts per state");
ABSL_FLAG(std::string, held_out_trees, "",
          "instead of the split: trees of problems the verifier was not "
          "trained on (a tree file or a directory of them, any task); prints "
          "the AUC of log F by depth for telling the states the tree solved "
          "from below from those it never did");
ABSL_FLAG(int, auc_depths, 3, "--held_out_trees: depths 1..N");
ABSL_FLAG(int, auc_min_leaves, 4,
          "--held_out_trees: a state counts with at least this many rewarded "
          "traces under it");

namespace arts::cli {
namespace {

struct EvalVerifierOptions {
  std::string verifier_model;
  std::string model;  // the generator, for the Monte Carlo estimates
  int threads = 0;    // --threads as given
  SplitOptions split;
  eval::VerifierEvalOptions eval;
  // Instead of the split: held-out trees, AUC by depth.
  std::string held_out_trees;
  int auc_depths = 0;
  int auc_min_leaves = 0;
};

absl::StatusOr<EvalVerifierOptions> ParseEvalVerifierOptions(
    FlagReader& flags) {
  EvalVerifierOptions options;
  options.verifier_model = flags(FLAGS_verifier_model);
  options.model = flags(FLAGS_model);
  options.threads = flags(FLAGS_threads);
  options.split = ReadSplitOptions(flags);
  options.eval.seed = flags(FLAGS_seed);
  options.eval.mc_problems = flags(FLAGS_mc_problems);
  options.eval.mc_samples = flags(FLAGS_mc_samples);
  options.eval.mc_states = flags(FLAGS_mc_states);
  options.eval.constrained = flags(FLAGS_constrained);
  options.held_out_trees = flags(FLAGS_held_out_trees);
  options.auc_depths = flags(FLAGS_auc_depths);
  options.auc_min_leaves = flags(FLAGS_auc_min_leaves);
  if (options.auc_depths < 1 || options.auc_depths > 64 ||
      options.auc_min_leaves < 1) {
    return absl::InvalidArgumentError(
        "--auc_depths must be 1 to 64 and --auc_min_leaves at least 1");
  }
  const eval::VerifierEvalOptions& e = options.eval;
  if (e.mc_problems < 0 || e.mc_states < 1 || e.mc_states > 64 ||
      e.mc_samples < 1 || e.mc_samples > 64) {
    return absl::InvalidArgumentError(
        "--mc_problems must be >= 0 and --mc_states and --mc_samples 1 to "
        "64");
  }
  if (options.held_out_trees.empty() &&
      backends::IsExactVerifier(options.verifier_model)) {
    // The exact verifier is what this command's labels already are.
    return absl::InvalidArgumentError(
        "--verifier_model=exact: the exact verifier is the reference this "
        "command measures against; name a checkpoint");
  }
  return options;
}

// eval-verifier --held_out_trees.
int EvalOnTrees(const EvalVerifierOptions& options) {
  auto verifier = verifier::FlowVerifier::Load(options.verifier_model);
  if (!verifier.ok()) {
    std::cerr << "eval-verifier: --verifier_model: "
              << verifier.status().message() << "\n";
    return 1;
  }
  absl::StatusOr<std::vector<verifier::TraceTree>> trees =
      verifier::ReadTrees(options.held_out_trees);
  if (!trees.ok()) {
    std::cerr << "eval-verifier: --held_out_trees: " << trees.status().message()
              << "\n";
    return 1;
  }
  absl::StatusOr<std::vector<eval::DepthAuc>> rows = eval::TreeAucByDepth(
      **verifier, *trees, options.auc_depths, options.auc_min_leaves);
  if (!rows.ok()) {
    std::cerr << "eval-verifier: " << rows.status() << "\n";
    return 1;
  }
  std::cout << "AUC of log F on " << trees->size()
            << " held-out trees (solved from below vs never):\n";
  for (const eval::DepthAuc& row : *rows) {
    if (row.positives == 0 || row.negatives == 0) {
      // An AUC needs states of both kinds; say why there is none.
      std::cout << absl::StrFormat(
          "  depth %d: no AUC (%d solved, %d not, counting states with >= %d "
          "complete traces below: --auc_min_leaves)\n",
          row.depth, row.positives, row.negatives, options.auc_min_leaves);
      continue;
    }
    std::cout << absl::StrFormat("  depth %d: AUC %.3f (%d solved, %d not)\n",
                                 row.depth, row.auc, row.positives,
                                 row.negatives);
  }
  return 0;
}

int RunEvalVerifier(const EvalVerifierOptions& options) {
  if (!options.held_out_trees.empty()) return EvalOnTrees(options);
  if (absl::Status threads = SetSamplingThreads(options.threads);
      !threads.ok()) {
    std::cerr << "eval-verifier: " << threads.message() << "\n";
    return 2;
  }
  absl::StatusOr<SplitProblems> selected = LoadSplitProblems(options.split);
  if (!selected.ok()) {
    std::cerr << "eval-verifier: " << selected.status().message() << "\n";
    return ExitCodeFor(selected.status());
  }
  std::vector<countdown::Problem>& problems = selected->problems;
  const std::string& path = options.verifier_model;
  auto verifier = verifier::FlowVerifier::Load(path);
  if (!verifier.ok()) {
    std::cerr << "eval-verifier: --verifier_model: "
              << verifier.status().message() << "\n";
    return 1;
  }
  std::unique_ptr<model::Generator> generator;
  if (options.eval.mc_problems > 0) {
    auto loaded = model::Generator::Load(options.model);
    if (!loaded.ok()) {
      std::cerr << "eval-verifier: --model: " << loaded.status().message()
                << "\n";
      return 1;
    }
    generator = *std::move(loaded);
  }
  auto result = eval::EvaluateVerifier(**verifier, generator.get(), problems,
                                       options.eval);
  if (!result.ok()) {
    std::cerr << "eval-verifier: " << result.status() << "\n";
    return 1;
  }
  std::cout << "verifier=" << path << " split=" << selected->split << "\n"
            << result->Summary() << "\n";
  if (result->mc_states > 0) std::cout << result->CalibrationTable();
  return 0;
}

}  // namespace

Command EvalVerifierCommand() {
  return MakeCommand<EvalVerifierOptions>(
      "eval-verifier", "AUC and rank correlation of a verifier on a split",
      ParseEvalVerifierOptions, RunEvalVerifier);
}

}  // namespace arts::cli
