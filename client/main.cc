// `arts`: the command-line client and tools. `arts help` lists subcommands.
#include <cstring>
#include <iostream>
#include <string>
#include <vector>

#include "absl/flags/parse.h"
#include "absl/flags/usage.h"
#include "client/commands.h"

namespace {

constexpr char kUsage[] =
    "usage: arts COMMAND [--flags]\n"
    "commands:\n"
    "  generate         stream candidate steps from a Generator service\n"
    "  score            score partial traces with a Verifier service\n"
    "  train-generator  train the bundled base generator\n"
    "  eval-generator   measure a generator's pass@1/pass@n on a split\n"
    "  collect-trees    sample trace trees for verifier training\n"
    "  train-verifier   train a verifier (flow matching or discriminative)\n"
    "  eval-verifier    AUC and rank correlation of a verifier on a split\n"
    "  solve            solve problems with a verifier-guided search\n"
    "  eval             run a split through a search strategy; CSV, table, "
    "plot\n"
    "run 'arts COMMAND --help' for a command's flags";

}  // namespace

int main(int argc, char** argv) {
  absl::SetProgramUsageMessage(kUsage);
  if (argc < 2 || std::strcmp(argv[1], "help") == 0 ||
      std::strcmp(argv[1], "--help") == 0) {
    std::cout << kUsage << "\n";
    return argc < 2 ? 2 : 0;
  }
  const std::string command = argv[1];
  // Flags follow the command; absl parses them as if the command were argv[0].
  absl::ParseCommandLine(argc - 1, argv + 1);
  if (command == "generate") return arts::cli::RunGenerate();
  if (command == "score") return arts::cli::RunScore();
  if (command == "train-generator") return arts::cli::RunTrainGenerator();
  if (command == "eval-generator") return arts::cli::RunEvalGenerator();
  if (command == "collect-trees") return arts::cli::RunCollectTrees();
  if (command == "train-verifier") return arts::cli::RunTrainVerifier();
  if (command == "eval-verifier") return arts::cli::RunEvalVerifier();
  if (command == "solve") return arts::cli::RunSolve();
  if (command == "eval") return arts::cli::RunEval();
  std::cerr << "arts: unknown command '" << command << "'\n" << kUsage << "\n";
  return 2;
}
