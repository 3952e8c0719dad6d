#include <iostream>

#include "absl/flags/flag.h"
#include "client/cli/commands.h"
#include "client/cli/flag_groups.h"
#include "client/cli/split_flags.h"
#include "core/countdown/game24.h"
#include "core/eval/verifier_eval.h"

ABSL_FLAG(int, mc_problems, 20,
          "problems whose one-step states get Monte Carlo "
          "estimates from the generator (0 = skip)");
ABSL_FLAG(int, mc_samples, 16, "continuations per state");

namespace arts::cli {

int RunEvalVerifier() {
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
  return 0;
}

}  // namespace arts::cli
