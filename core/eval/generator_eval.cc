#include "core/eval/generator_eval.h"

#include <chrono>

#include "absl/strings/str_format.h"
#include "core/countdown/checker.h"

namespace arts::eval {

std::string GeneratorEvalResult::Summary() const {
  return absl::StrFormat(
      "problems=%d samples=%d pass@1=%.4f pass@%d=%.4f invalid_steps=%.4f "
      "fraction_steps=%.4f invalid_traces=%.4f tokens=%d seconds=%.1f",
      problems, samples, pass_at_1, samples, pass_at_n, invalid_step_share(),
      fraction_step_share(), traces ? double(invalid_traces) / traces : 0.0,
      tokens_generated, seconds);
}

absl::StatusOr<GeneratorEvalResult> EvaluateGenerator(
    const model::Generator& generator,
    const std::vector<countdown::Problem>& problems,
    const GeneratorEvalOptions& options) {
  const auto start = std::chrono::steady_clock::now();
  GeneratorEvalResult result;
  result.samples = options.samples;
  for (size_t p = 0; p < problems.size(); ++p) {
    model::ProposeRequest request;
    request.problem = countdown::FormatProblem(problems[p]);
    request.num_candidates = options.samples;
    request.max_steps = 0;
    request.sampling = options.sampling;
    request.sampling.seed = options.sampling.seed + p;
    int correct = 0;
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
    result.tokens_generated += stats->tokens_generated;
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
