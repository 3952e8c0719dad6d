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

// The command that drew the samples and each puzzle's seeds, for the counts
// file: what it takes to draw them again.
std::string CountsMadeBy(const std::string& model_path,
                         const eval::GeneratorEvalOptions& options) {
  std::string puzzles =
      absl::GetFlag(FLAGS_puzzles).empty()
          ? absl::StrCat("--split ", absl::GetFlag(FLAGS_split))
          : absl::StrCat("--puzzles ", absl::GetFlag(FLAGS_puzzles));
  if (absl::GetFlag(FLAGS_limit) > 0) {
    absl::StrAppend(&puzzles, " --limit ", absl::GetFlag(FLAGS_limit));
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

}  // namespace

int RunEvalGenerator() {
  if (absl::Status threads = SetSamplingThreads(); !threads.ok()) {
    std::cerr << "eval-generator: " << threads.message() << "\n";
    return 2;
  }
  absl::StatusOr<SplitProblems> selected = SplitProblemsFromFlags();
  if (!selected.ok()) {
    std::cerr << "eval-generator: " << selected.status().message() << "\n";
    return ExitCodeFor(selected.status());
  }
  std::vector<countdown::Problem>& problems = selected->problems;
  const std::string model_path = absl::GetFlag(FLAGS_model);
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
  if (options.samples < 1 || options.samples > eval::kMaxEvalSamples) {
    std::cerr << "eval-generator: --samples must be 1 to "
              << eval::kMaxEvalSamples << "\n";
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
            << result->Summary() << "\n"
            << result->PassAtKLine() << "\n";
  if (const std::string path = absl::GetFlag(FLAGS_counts_out); !path.empty()) {
    eval::SampleCountsFile counts{CountsMadeBy(model_path, options), {}};
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

}  // namespace arts::cli
