// `arts`: the command-line client and tools. `arts help` lists subcommands;
// `arts COMMAND --help` lists the flags a command takes.
#include <algorithm>
#include <cstring>
#include <iostream>
#include <string>
#include <vector>

#include "absl/flags/parse.h"
#include "absl/flags/usage.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "client/cli/command_flags.h"
#include "client/cli/commands.h"
#include "client/cli/flag_groups.h"

namespace arts::cli {
namespace {

FlagNames Join(std::vector<FlagNames> groups) {
  FlagNames all;
  for (FlagNames& group : groups) {
    all.insert(all.end(), group.begin(), group.end());
  }
  return all;
}

FlagNames Without(FlagNames names, const std::string& dropped) {
  names.erase(std::remove(names.begin(), names.end(), dropped), names.end());
  return names;
}

// Every subcommand, with the shared flags it reads.
const std::vector<Command>& Commands() {
  static const auto* commands = new std::vector<Command>{
      {"generate", "stream candidate steps from a Generator service",
       RunGenerate, "generate_command.cc",
       Join({kTraceFlags, kConnectionFlags, kSecurityFlags, kSamplingFlags})},
      {"score", "score partial traces with a Verifier service", RunScore,
       "score_command.cc",
       Join({kTraceFlags, kConnectionFlags, kSecurityFlags})},
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
        "trees_dir", "max_tokens"}},
      {"train-verifier",
       "train a verifier (flow matching, discriminative or Monte Carlo PRM)",
       RunTrainVerifier,
       "train_verifier_command.cc",
       {"seed", "threads", "trees_dir"}},
      {"eval-verifier", "AUC and rank correlation of a verifier on a split",
       RunEvalVerifier, "eval_verifier_command.cc",
       Join({kModelFlags, kSplitFlags, {"seed", "constrained"}})},
      {"solve", "solve problems with a verifier-guided search", RunSolve,
       "solve_command.cc",
       Join({{"problem"},
             kConnectionFlags,
             kSecurityFlags,
             kModelFlags,
             kSearchFlags,
             kSamplingFlags})},
      {"eval", "run a split through a search strategy; CSV, table, plot",
       RunEval, "eval_command.cc",
       Join({kConnectionFlags, kSecurityFlags, kModelFlags, kSplitFlags,
             kSearchFlags, kSamplingFlags})},
      {"loadtest",
       "load a service at fixed concurrency: goodput, p50/p90/p99, codes",
       RunLoadtest, "loadtest_command.cc",
       Join({{"timeout"},
             kSecurityFlags,
             kSplitFlags,
             Without(kSearchFlags, "orchestrator"),
             kSamplingFlags})},
  };
  return *commands;
}

std::string Usage() {
  std::string out = "usage: arts COMMAND [--flags]\ncommands:\n";
  for (const Command& command : Commands()) {
    absl::StrAppendFormat(&out, "  %-16s %s\n", command.name, command.summary);
  }
  return out + "run 'arts COMMAND --help' for a command's flags";
}

}  // namespace
}  // namespace arts::cli

int main(int argc, char** argv) {
  using arts::cli::Command;
  const std::string usage = arts::cli::Usage();
  absl::SetProgramUsageMessage(usage);
  if (argc < 2 || std::strcmp(argv[1], "help") == 0 ||
      std::strcmp(argv[1], "--help") == 0) {
    std::cout << usage << "\n";
    return argc < 2 ? 2 : 0;
  }
  const std::string name = argv[1];
  for (const Command& command : arts::cli::Commands()) {
    if (command.name != name) continue;
    // The command's flags follow it: argv[1] plays argv[0].
    if (arts::cli::WantsHelp(argc - 1, argv + 1)) {
      std::cout << arts::cli::CommandHelp(command);
      return 0;
    }
    if (std::string error = arts::cli::CheckFlags(command, argc - 1, argv + 1);
        !error.empty()) {
      std::cerr << error << "\n";
      return 2;
    }
    absl::ParseCommandLine(argc - 1, argv + 1);
    return command.run();
  }
  std::cerr << "arts: unknown command '" << name << "'\n" << usage << "\n";
  return 2;
}
