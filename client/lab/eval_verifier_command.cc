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

namespace {

// eval-verifier --held_out_trees.
int EvalOnTrees() {
  auto verifier =
      arts::verifier::FlowVerifier::Load(absl::GetFlag(FLAGS_verifier_model));
  if (!verifier.ok()) {
    std::cerr << "eval-verifier: --verifier_model: "
              << verifier.status().message() << "\n";
    return 1;
  }
  absl::StatusOr<std::vector<arts::verifier::TraceTree>> trees =
      arts::verifier::ReadTrees(absl::GetFlag(FLAGS_held_out_trees));
  if (!trees.ok()) {
    std::cerr << "eval-verifier: --held_out_trees: " << trees.status().message()
              << "\n";
    return 1;
  }
  const int depths = absl::GetFlag(FLAGS_auc_depths);
  const int min_leaves = absl::GetFlag(FLAGS_auc_min_leaves);
  if (depths < 1 || depths > 64 || min_leaves < 1) {
    std::cerr << "eval-verifier: --auc_depths must be 1 to 64 and "
                 "--auc_min_leaves at least 1\n";
    return 2;
  }
  absl::StatusOr<std::vector<arts::eval::DepthAuc>> rows =
      arts::eval::TreeAucByDepth(**verifier, *trees, depths, min_leaves);
  if (!rows.ok()) {
    std::cerr << "eval-verifier: " << rows.status() << "\n";
    return 1;
  }
  std::cout << "AUC of log F on " << trees->size()
            << " held-out trees (solved from below vs never):\n";
  for (const arts::eval::DepthAuc& row : *rows) {
    std::cout << absl::StrFormat("  depth %d: AUC %.3f (%d solved, %d not)\n",
                                 row.depth, row.auc, row.positives,
                                 row.negatives);
  }
  return 0;
}

}  // namespace

namespace arts::cli {

int RunEvalVerifier() {
  if (!absl::GetFlag(FLAGS_held_out_trees).empty()) return EvalOnTrees();
  if (absl::Status threads = SetSamplingThreads(); !threads.ok()) {
    std::cerr << "eval-verifier: " << threads.message() << "\n";
    return 2;
  }
  absl::StatusOr<SplitProblems> selected = SplitProblemsFromFlags();
  if (!selected.ok()) {
    std::cerr << "eval-verifier: " << selected.status().message() << "\n";
    return ExitCodeFor(selected.status());
  }
  std::vector<countdown::Problem>& problems = selected->problems;
  const std::string path = absl::GetFlag(FLAGS_verifier_model);
  if (backends::IsExactVerifier(path)) {
    // The exact verifier is what this command's labels already are.
    std::cerr << "eval-verifier: --verifier_model=exact: the exact verifier "
                 "is the reference this command measures against; name a "
                 "checkpoint\n";
    return 2;
  }
  auto verifier = verifier::FlowVerifier::Load(path);
  if (!verifier.ok()) {
    std::cerr << "eval-verifier: --verifier_model: "
              << verifier.status().message() << "\n";
    return 1;
  }
  eval::VerifierEvalOptions options;
  options.seed = absl::GetFlag(FLAGS_seed);
  options.mc_problems = absl::GetFlag(FLAGS_mc_problems);
  options.mc_samples = absl::GetFlag(FLAGS_mc_samples);
  options.mc_states = absl::GetFlag(FLAGS_mc_states);
  options.constrained = absl::GetFlag(FLAGS_constrained);
  if (options.mc_problems < 0 || options.mc_states < 1 ||
      options.mc_states > 64 || options.mc_samples < 1 ||
      options.mc_samples > 64) {
    std::cerr << "eval-verifier: --mc_problems must be >= 0 and --mc_states "
                 "and --mc_samples 1 to 64\n";
    return 2;
  }
  std::unique_ptr<model::Generator> generator;
  if (options.mc_problems > 0) {
    auto loaded = model::Generator::Load(absl::GetFlag(FLAGS_model));
    if (!loaded.ok()) {
      std::cerr << "eval-verifier: --model: " << loaded.status().message()
                << "\n";
      return 1;
    }
    generator = *std::move(loaded);
  }
  auto result =
      eval::EvaluateVerifier(**verifier, generator.get(), problems, options);
  if (!result.ok()) {
    std::cerr << "eval-verifier: " << result.status() << "\n";
    return 1;
  }
  std::cout << "verifier=" << path << " split=" << selected->split << "\n"
            << result->Summary() << "\n";
  if (result->mc_states > 0) std::cout << result->CalibrationTable();
  return 0;
}

}  // namespace arts::cli
