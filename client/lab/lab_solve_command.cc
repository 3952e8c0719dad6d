// `arts-lab solve`: a search in this process over --model and
// --verifier_model (or on --orchestrator), printed as `arts solve` prints.
#include <iostream>

#include "client/cli/solve_output.h"
#include "client/lab/commands.h"
#include "client/lab/lab_flags.h"
#include "client/lab/local_solve.h"

namespace arts::cli {
namespace {

struct LabSolveOptions {
  SolveProblems problems;
  LabSearchOptions search;
};

absl::StatusOr<LabSolveOptions> ParseLabSolveOptions(FlagReader& flags) {
  LabSolveOptions options;
  options.problems = ReadSolveProblems(flags);
  absl::StatusOr<LabSearchOptions> search = ReadLabSearchOptions(flags);
  if (!search.ok()) return search.status();
  options.search = *std::move(search);
  return options;
}

int RunLabSolve(const LabSolveOptions& options) {
  if (absl::Status threads = SetSamplingThreads(options.search.threads);
      !threads.ok()) {
    std::cerr << "solve: " << threads.message() << "\n";
    return 2;
  }
  std::string where;
  absl::StatusOr<SolveFunction> solve =
      MakeLabSolveFunction(options.search, &where);
  if (!solve.ok()) {
    std::cerr << "solve: " << solve.status().message() << "\n";
    return 1;
  }
  return SolveEach(*solve, options.search.search, options.problems);
}

}  // namespace

Command LabSolveCommand() {
  return MakeCommand<LabSolveOptions>(
      "solve", "solve problems with a search in this process",
      ParseLabSolveOptions, RunLabSolve);
}

}  // namespace arts::cli
