#ifndef ARTS_CORE_EVAL_VERIFIER_EVAL_H_
#define ARTS_CORE_EVAL_VERIFIER_EVAL_H_

#include <cstdint>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "core/countdown/problem.h"
#include "core/model/generator.h"
#include "core/verifier/flow_verifier.h"

namespace arts::eval {

// Area under the ROC curve of `scores` for telling positives from negatives
// (Mann-Whitney; ties count one half). NaN without both classes.
double Auc(const std::vector<double>& scores, const std::vector<bool>& labels);

// Spearman rank correlation (average ranks for ties).
double SpearmanCorrelation(const std::vector<double>& a,
                           const std::vector<double>& b);

struct VerifierEvalOptions {
  int max_states_per_problem = 200;  // sampled per depth, seed below
  int mc_problems = 20;  // problems whose one-step states get MC estimates
  int mc_samples = 16;   // continuations per state
  uint64_t seed = 1;
};

struct VerifierEvalResult {
  double auc_one_step = 0;  // reachable vs dead-end states after one step
  double auc_two_steps = 0;
  int64_t states_one_step = 0, reachable_one_step = 0;
  int64_t states_two_steps = 0, reachable_two_steps = 0;
  double spearman_mc = 0;  // log F vs Monte Carlo P(correct | s)
  int64_t mc_states = 0;
  std::string Summary() const;
};

// Labels every legal state after one and two steps with the exhaustive
// solver (is the target still reachable?) and scores them with `verifier`;
// Monte Carlo estimates come from `generator` (nullptr skips them).
absl::StatusOr<VerifierEvalResult> EvaluateVerifier(
    const verifier::FlowVerifier& verifier, const model::Generator* generator,
    const std::vector<countdown::Problem>& problems,
    const VerifierEvalOptions& options);

}  // namespace arts::eval

#endif  // ARTS_CORE_EVAL_VERIFIER_EVAL_H_
