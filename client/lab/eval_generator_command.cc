#include <iostream>

#include "absl/flags/flag.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "client/cli/flag_groups.h"
#include "client/cli/split_flags.h"
#include "client/lab/commands.h"
#include "client/lab/lab_flags.h"
#include "core/countdown/game24.h"
#include "core/eval/generator_eval.h"
#include "core/eval/sample_counts.h"
#include "core/io/atomic_file.h"
#include "core/model/generator.h"

ABSL_FLAG(std::string, counts_out, "",
          "also write each puzzle's correct count and tokens to this CSV "
          "(the input of pass-at-k-report)");

namespace arts::cli {
namespace {

struct EvalGeneratorOptions {
  std::string model;
  int threads = 0;  // --threads as given
  SplitOptions split;
  eval::GeneratorEvalOptions eval;
  std::string counts_out;
};

absl::StatusOr<EvalGeneratorOptions> ParseEvalGeneratorOptions(
    FlagReader& flags) {
  EvalGeneratorOptions options;
  options.model = flags(FLAGS_model);
  options.threads = flags(FLAGS_threads);
  options.split = ReadSplitOptions(flags);
  options.eval.samples = flags(FLAGS_samples);
  options.eval.sampling.seed = flags(FLAGS_seed);
  options.eval.sampling.constrained = flags(FLAGS_constrained);
  options.eval.sampling.temperature = flags(FLAGS_temperature);
  options.eval.sampling.top_p = flags(FLAGS_top_p);
  options.eval.sampling.top_k = flags(FLAGS_top_k);
  options.counts_out = flags(FLAGS_counts_out);
  if (options.eval.samples < 1 ||
      options.eval.samples > eval::kMaxEvalSamples) {
    return absl::InvalidArgumentError(
        absl::StrCat("--samples must be 1 to ", eval::kMaxEvalSamples));
  }
  return options;
}

// The command that drew the samples and each puzzle's seeds, for the counts
// file: what it takes to draw them again.
std::string CountsMadeBy(const EvalGeneratorOptions& command) {
  const std::string& model_path = command.model;
  const eval::GeneratorEvalOptions& options = command.eval;
  std::string puzzles = command.split.puzzles.empty()
                            ? absl::StrCat("--split ", command.split.split)
                            : absl::StrCat("--puzzles ", command.split.puzzles);
  if (command.split.limit > 0) {
    absl::StrAppend(&puzzles, " --limit ", command.split.limit);
  }
  const model::SamplingParams& s = options.sampling;
  return absl::StrFormat(
      "arts-lab eval-generator --model %s %s --samples %d --seed %d "
      "--temperature %g --top_p %g --top_k %d%s; puzzle i draws its first "
      "%d samples with seed %d + i, the c-th %d after them with seed "
      "%d + i + c * %d",
      model_path, puzzles, options.samples, s.seed, s.temperature, s.top_p,
      s.top_k, s.constrained ? " --constrained" : "", model::kMaxCandidates,
      s.seed, model::kMaxCandidates, s.seed, eval::kChunkSeedStride);
}

int RunEvalGenerator(const EvalGeneratorOptions& command) {
  if (absl::Status threads = SetSamplingThreads(command.threads);
      !threads.ok()) {
    std::cerr << "eval-generator: " << threads.message() << "\n";
    return 2;
  }
  absl::StatusOr<SplitProblems> selected = LoadSplitProblems(command.split);
  if (!selected.ok()) {
    std::cerr << "eval-generator: " << selected.status().message() << "\n";
    return ExitCodeFor(selected.status());
  }
  std::vector<countdown::Problem>& problems = selected->problems;
  const std::string& model_path = command.model;
  absl::StatusOr<std::unique_ptr<model::Generator>> generator =
      model::Generator::Load(model_path);
  if (!generator.ok()) {
    std::cerr << "eval-generator: " << generator.status().message() << "\n";
    return 1;
  }
  const eval::GeneratorEvalOptions& options = command.eval;
  absl::StatusOr<eval::GeneratorEvalResult> result =
      eval::EvaluateGenerator(**generator, problems, options);
  if (!result.ok()) {
    std::cerr << "eval-generator: " << result.status().message() << "\n";
    return 1;
  }
  std::cout << "model=" << model_path << " split=" << selected->split
            << " constrained=" << options.sampling.constrained << "\n"
            << result->Summary() << "\n"
            << result->PassAtKLine() << "\n";
  if (const std::string& path = command.counts_out; !path.empty()) {
    eval::SampleCountsFile counts{CountsMadeBy(command), {}};
    for (size_t p = 0; p < problems.size(); ++p) {
      counts.rows.push_back({countdown::FormatProblem(problems[p]),
                             options.samples, result->correct_by_problem[p],
                             result->tokens_by_problem[p]});
    }
    if (absl::Status written =
            io::WriteFileAtomically(path, eval::SampleCountsCsv(counts));
        !written.ok()) {
      std::cerr << "eval-generator: --counts_out: " << written.message()
                << "\n";
      return 1;
    }
  }
  return 0;
}

}  // namespace

Command EvalGeneratorCommand() {
  return MakeCommand<EvalGeneratorOptions>(
      "eval-generator", "measure a generator's pass@k on a split",
      ParseEvalGeneratorOptions, RunEvalGenerator);
}

}  // namespace arts::cli
