#include "core/eval/generator_eval.h"

#include <algorithm>
#include <chrono>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "core/countdown/checker.h"
#include "core/eval/pass_at_k.h"

namespace arts::eval {

std::string GeneratorEvalResult::Summary() const {
  return absl::StrFormat(
      "problems=%d samples=%d pass@1=%.4f pass@%d=%.4f invalid_steps=%.4f "
      "fraction_steps=%.4f invalid_traces=%.4f tokens=%d seconds=%.1f",
      problems, samples, pass_at_1, samples, pass_at_n, invalid_step_share(),
      fraction_step_share(), traces ? double(invalid_traces) / traces : 0.0,
      tokens_generated, seconds);
}

double GeneratorEvalResult::pass_at_k(int k) const {
  return MeanPassAtK(samples, correct_by_problem, k);
}

std::string GeneratorEvalResult::PassAtKLine() const {
  std::string line = "pass@k";
  for (int k = 1; k <= samples; k *= 2) {
    absl::StrAppendFormat(&line, " k=%d %.4f", k, pass_at_k(k));
  }
  return line;
}

absl::StatusOr<GeneratorEvalResult> EvaluateGenerator(
    const model::Generator& generator,
    const std::vector<countdown::Problem>& problems,
    const GeneratorEvalOptions& options) {
  const auto start = std::chrono::steady_clock::now();
  GeneratorEvalResult result;
  result.samples = options.samples;
  if (options.samples < 1 || options.samples > kMaxEvalSamples) {
    return absl::InvalidArgumentError(absl::StrFormat(
        "samples must be 1 to %d, got %d", kMaxEvalSamples, options.samples));
  }
  for (size_t p = 0; p < problems.size(); ++p) {
    int correct = 0;
    int64_t tokens = 0;
    for (int drawn = 0, chunk = 0; drawn < options.samples; ++chunk) {
      model::ProposeRequest request;
      request.problem = countdown::FormatProblem(problems[p]);
      request.num_candidates =
          std::min(model::kMaxCandidates, options.samples - drawn);
      request.max_steps = 0;
      request.sampling = options.sampling;
      request.sampling.seed =
          options.sampling.seed + p + chunk * kChunkSeedStride;
      drawn += request.num_candidates;
      absl::StatusOr<model::ProposeStats> stats =
          generator.Propose(request, [&](model::Candidate candidate) {
            countdown::TraceVerdict verdict =
                countdown::CheckTrace(problems[p], candidate.steps);
            ++result.traces;
            result.steps += static_cast<int64_t>(candidate.steps.size());
            if (!verdict.valid) {
              ++result.invalid_traces;
              ++result.invalid_steps;
            }
            // Legal steps are those before the first illegal one.
            const size_t legal =
                verdict.valid ? candidate.steps.size() : verdict.invalid_step;
            for (size_t s = 0; s < legal; ++s) {
              absl::StatusOr<countdown::Step> step =
                  countdown::ParseStep(candidate.steps[s]);
              if (step.ok() && !step->result.is_integer())
                ++result.fraction_steps;
            }
            if (verdict.correct) {
              ++correct;
              ++result.correct_traces;
            }
          });
      if (!stats.ok()) return stats.status();
      tokens += stats->tokens_generated;
    }
    result.tokens_generated += tokens;
    result.correct_by_problem.push_back(correct);
    result.tokens_by_problem.push_back(tokens);
    ++result.problems;
    result.pass_at_1 += double(correct) / options.samples;
    if (correct > 0) result.pass_at_n += 1;
  }
  if (result.problems > 0) {
    result.pass_at_1 /= result.problems;
    result.pass_at_n /= result.problems;
  }
  result.seconds =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - start)
          .count();
  return result;
}

}  // namespace arts::eval
