// `arts-lab solve`: a search in this process over --model and
// --verifier_model (or on --orchestrator), printed as `arts solve` prints.
#include <iostream>

#include "client/cli/solve_output.h"
#include "client/lab/commands.h"
#include "client/lab/lab_flags.h"
#include "client/lab/local_solve.h"

namespace arts::cli {

int RunLabSolve() {
  if (absl::Status threads = SetSamplingThreads(); !threads.ok()) {
    std::cerr << "solve: " << threads.message() << "\n";
    return 2;
  }
  absl::StatusOr<search::SearchOptions> options = LabSearchOptionsFromFlags();
  if (!options.ok()) {
    std::cerr << "solve: " << options.status().message() << "\n";
    return 2;
  }
  std::string where;
  absl::StatusOr<SolveFunction> solve = MakeLabSolveFunction(&where);
  if (!solve.ok()) {
    std::cerr << "solve: " << solve.status().message() << "\n";
    return 1;
  }
  return SolveEach(*solve, *options);
}

}  // namespace arts::cli
