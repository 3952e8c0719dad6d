#ifndef ARTS_CORE_EVAL_GENERATOR_EVAL_H_
#define ARTS_CORE_EVAL_GENERATOR_EVAL_H_

#include <cstdint>
#include <string>
#include <vector>

#include "core/countdown/problem.h"
#include "core/eval/pass_at_k.h"
#include "core/model/generator.h"

namespace arts::eval {

// The most traces per problem one evaluation draws.
inline constexpr int kMaxEvalSamples = kMaxPassAtKSamples;

struct GeneratorEvalOptions {
  // n complete traces per problem, 1 to kMaxEvalSamples, drawn in calls of
  // at most model::kMaxCandidates.
  int samples = 16;
  model::SamplingParams sampling;
};

// What the base generator does on its own, judged by the task checker.
struct GeneratorEvalResult {
  int problems = 0;
  int samples = 0;
  double pass_at_1 = 0;  // mean over problems of c/n (unbiased)
  double pass_at_n = 0;  // share of problems with at least one correct trace
  int64_t traces = 0;
  int64_t correct_traces = 0;
  int64_t invalid_traces = 0;  // traces that contain an illegal step
  int64_t steps = 0;           // sampled steps, the illegal ones included
  int64_t invalid_steps = 0;
  int64_t fraction_steps = 0;  // legal steps with a non-integer result
  int64_t tokens_generated = 0;
  double seconds = 0;
  // Per problem, in input order: correct traces out of `samples`, and the
  // tokens the generator sampled for them.
  std::vector<int> correct_by_problem;
  std::vector<int64_t> tokens_by_problem;

  // Mean over problems of the unbiased pass@k; requires 1 <= k <= samples.
  double pass_at_k(int k) const;
  double invalid_step_share() const {
    return steps ? double(invalid_steps) / steps : 0;
  }
  double fraction_step_share() const {
    const int64_t legal = steps - invalid_steps;
    return legal ? double(fraction_steps) / legal : 0;
  }
  std::string Summary() const;
  // "pass@k k=1 0.1100 k=2 0.1900 ..." for k = 1, 2, 4, ... up to samples.
  std::string PassAtKLine() const;
};

// Seeds of a problem's calls after its first (see EvaluateGenerator).
inline constexpr uint64_t kChunkSeedStride = 1'000'003;

// Samples `samples` complete traces per problem and checks each with the
// checker. Problem p's first call of kMaxCandidates traces uses seed + p,
// its call c after that seed + p + c * kChunkSeedStride, so the first 64
// traces are the same whatever `samples` is above 64.
absl::StatusOr<GeneratorEvalResult> EvaluateGenerator(
    const model::Generator& generator,
    const std::vector<countdown::Problem>& problems,
    const GeneratorEvalOptions& options);

}  // namespace arts::eval

#endif  // ARTS_CORE_EVAL_GENERATOR_EVAL_H_
