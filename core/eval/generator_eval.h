#ifndef ARTS_CORE_EVAL_GENERATOR_EVAL_H_
#define ARTS_CORE_EVAL_GENERATOR_EVAL_H_

#include <cstdint>
#include <string>
#include <vector>

#include "core/countdown/problem.h"
#include "core/model/generator.h"

namespace arts::eval {

struct GeneratorEvalOptions {
  int samples = 16;  // n complete traces per problem
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

  double invalid_step_share() const {
    return steps ? double(invalid_steps) / steps : 0;
  }
  double fraction_step_share() const {
    const int64_t legal = steps - invalid_steps;
    return legal ? double(fraction_steps) / legal : 0;
  }
  std::string Summary() const;
};

// Samples `samples` complete traces per problem (seed + problem index) and
// checks each with the checker.
absl::StatusOr<GeneratorEvalResult> EvaluateGenerator(
    const model::Generator& generator,
    const std::vector<countdown::Problem>& problems,
    const GeneratorEvalOptions& options);

}  // namespace arts::eval

#endif  // ARTS_CORE_EVAL_GENERATOR_EVAL_H_
