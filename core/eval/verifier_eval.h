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
  // On the generator's own states: for each of the first `mc_problems`
  // problems the generator samples `mc_states` first steps and one second
  // step under each; every distinct state gets `mc_samples` rollouts to the
  // end, and the share the checker accepts estimates P(correct | s).
  int mc_problems = 20;
  int mc_states = 8;
  int mc_samples = 64;
  bool constrained = true;  // the policy of the rollouts, as searches run it
  uint64_t seed = 1;
};

// One row of the calibration table: states whose predicted P(correct | s)
// falls in [low, high), with the mean prediction and the mean Monte Carlo
// estimate.
struct CalibrationBin {
  double low = 0, high = 0;
  int64_t states = 0;
  double mean_predicted = 0, mean_observed = 0;
};

// The verifier's value read as a probability of success. A flow verifier
// trained with a floor e = exp(log_epsilon) on wrong leaves has
// F = e + (1 - e) P; other objectives predict P itself (log_epsilon = -inf).
double PredictedSuccess(double log_flow, double log_epsilon);

struct VerifierEvalResult {
  double auc_one_step = 0;  // reachable vs dead-end states after one step
  double auc_two_steps = 0;
  int64_t states_one_step = 0, reachable_one_step = 0;
  int64_t states_two_steps = 0, reachable_two_steps = 0;
  // On the generator's own states (one and two steps), against Monte Carlo.
  double spearman_mc = 0;  // log F vs MC P(correct | s)
  double auc_sampled = 0;  // log F, reachable vs dead end (exact)
  // The same, for the states after one step and after two steps alone.
  double auc_sampled_one_step = 0, auc_sampled_two_steps = 0;
  double auc_mc_success = 0;  // log F, some rollout correct vs none
  int64_t mc_states = 0, mc_reachable = 0;
  std::vector<CalibrationBin> calibration;
  std::string Summary() const;
  std::string CalibrationTable() const;  // Markdown
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
