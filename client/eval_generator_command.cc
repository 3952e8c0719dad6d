#include <iostream>

#include "absl/flags/declare.h"
#include "absl/flags/flag.h"
#include "client/commands.h"
#include "client/split_flags.h"
#include "core/countdown/game24.h"
#include "core/eval/generator_eval.h"
#include "core/model/generator.h"

ABSL_DECLARE_FLAG(uint64_t, seed);
ABSL_DECLARE_FLAG(int, threads);
ABSL_FLAG(std::string, model, "",
          "generator checkpoint (default: the bundled models/generator.ckpt)");
ABSL_FLAG(std::string, split, "test",
          "eval-generator, eval: train, test or tail");
ABSL_FLAG(int, samples, 16,
          "eval-generator: traces per puzzle; solve, eval: N of best_of_n, "
          "votes and dvts");
ABSL_FLAG(
    int, limit, 0,
    "eval-generator, eval-verifier, eval: first N puzzles only (0 = all)");
ABSL_FLAG(bool, constrained, false,
          "decode only legal steps (operands that are left)");
ABSL_FLAG(double, temperature, 1.0, "sampling temperature (0 = greedy)");
ABSL_FLAG(double, top_p, 1.0, "nucleus sampling mass (1 = off)");
ABSL_FLAG(int, top_k, 0, "top-k sampling (0 = off)");

namespace arts::cli {

std::string ModelPathOrDefault() {
  std::string path = absl::GetFlag(FLAGS_model);
  return path.empty() ? std::string(ARTS_MODELS_DIR "/generator.ckpt") : path;
}

int RunEvalGenerator() {
  const int threads = absl::GetFlag(FLAGS_threads);
  if (threads < 0) {
    std::cerr << "eval-generator: --threads must be 0 (auto) or positive\n";
    return 2;
  }
  torch::set_num_threads(threads == 0 ? 1 : threads);
  absl::StatusOr<SplitProblems> selected = SplitProblemsFromFlags();
  if (!selected.ok()) {
    std::cerr << "eval-generator: " << selected.status().message() << "\n";
    return ExitCodeFor(selected.status());
  }
  std::vector<countdown::Problem>& problems = selected->problems;
  const std::string model_path = ModelPathOrDefault();
  absl::StatusOr<std::unique_ptr<model::Generator>> generator =
      model::Generator::Load(model_path);
  if (!generator.ok()) {
    std::cerr << "eval-generator: " << generator.status().message() << "\n";
    return 1;
  }
  eval::GeneratorEvalOptions options;
  options.samples = absl::GetFlag(FLAGS_samples);
  options.sampling.seed = absl::GetFlag(FLAGS_seed);
  options.sampling.constrained = absl::GetFlag(FLAGS_constrained);
  options.sampling.temperature = absl::GetFlag(FLAGS_temperature);
  options.sampling.top_p = absl::GetFlag(FLAGS_top_p);
  options.sampling.top_k = absl::GetFlag(FLAGS_top_k);
  if (options.samples < 1 || options.samples > model::kMaxCandidates) {
    std::cerr << "eval-generator: --samples must be 1 to "
              << model::kMaxCandidates << "\n";
    return 2;
  }
  absl::StatusOr<eval::GeneratorEvalResult> result =
      eval::EvaluateGenerator(**generator, problems, options);
  if (!result.ok()) {
    std::cerr << "eval-generator: " << result.status().message() << "\n";
    return 1;
  }
  std::cout << "model=" << model_path << " split=" << selected->split
            << " constrained=" << options.sampling.constrained << "\n"
            << result->Summary() << "\n";
  return 0;
}

}  // namespace arts::cli
