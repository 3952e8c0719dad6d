// `arts-lab`: the research tools, with the models in this process: train and
// evaluate the generator and the verifiers, collect trace trees, run a split
// through a search, and the RL comparison's report. Outputs go where their
// flags say (runs/ by default), never into docs/ unless asked. `arts-lab
// help` lists the subcommands; `arts-lab COMMAND --help` a command's flags.
#include <vector>

#include "client/cli/command_flags.h"
#include "client/cli/flag_groups.h"
#include "client/lab/commands.h"
#include "client/lab/lab_flags.h"

namespace arts::cli {
namespace {

// Every subcommand, with the shared flags it reads.
std::vector<Command> Commands() {
  return {
      {"train-generator",
       "train the bundled base generator",
       RunTrainGenerator,
       "train_generator_command.cc",
       {"data", "seed", "threads"}},
      {"train-rl",
       "GRPO fine-tuning of the base generator (the RL baseline)",
       RunTrainRl,
       "train_rl_command.cc",
       {"data", "seed", "threads"}},
      {"eval-generator", "measure a generator's pass@k on a split",
       RunEvalGenerator, "eval_generator_command.cc",
       Join({{"model", "threads", "samples"}, kSplitFlags, kSamplingFlags})},
      {"pass-at-k-report",
       "base against RL from eval-generator counts: pass@k, subsets",
       RunPassAtKReport,
       "pass_at_k_report_command.cc",
       {}},
      {"collect-trees",
       "sample trace trees for verifier training",
       RunCollectTrees,
       "collect_trees_command.cc",
       {"model", "threads", "data", "seed", "temperature", "constrained",
        "trees_dir", "max_tokens", "task", "problems_file"}},
      {"train-verifier",
       "train a verifier (flow matching, discriminative or Monte Carlo PRM)",
       RunTrainVerifier,
       "train_verifier_command.cc",
       {"seed", "threads", "trees_dir"}},
      {"eval-verifier", "AUC and rank correlation of a verifier on a split",
       RunEvalVerifier, "eval_verifier_command.cc",
       Join({kModelFlags, kSplitFlags, {"seed", "constrained"}})},
      {"solve", "solve problems with a search in this process", RunLabSolve,
       "lab_solve_command.cc",
       Join({{"problem", "problems_file"},
             kConnectionFlags,
             kSecurityFlags,
             kModelFlags,
             kSearchFlags,
             kSearchSamplingFlags})},
      {"eval", "run a split through a search strategy; CSV, table, plot",
       RunEval, "eval_command.cc",
       Join({kConnectionFlags, kSecurityFlags, kModelFlags, kSplitFlags,
             kSearchFlags, kSearchSamplingFlags})},
  };
}

}  // namespace
}  // namespace arts::cli

int main(int argc, char** argv) {
  return arts::cli::RunCommandLine("arts-lab", arts::cli::Commands(), argc,
                                   argv);
}
