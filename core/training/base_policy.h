#ifndef ARTS_CORE_TRAINING_BASE_POLICY_H_
#define ARTS_CORE_TRAINING_BASE_POLICY_H_

#include <random>
#include <string>
#include <vector>

#include "core/countdown/game24.h"
#include "core/countdown/step.h"

namespace arts::training {

// Uniform random play: pick an ordered pair of the numbers left and an
// operator uniformly (redrawing a division by zero) until one number is left.
std::vector<countdown::Step> RandomPlay(
    const std::vector<countdown::Rational>& numbers, std::mt19937_64& rng);

// One training example: a problem and a trace that solves it.
struct TrainingTrace {
  countdown::Problem problem;
  std::vector<countdown::Step> steps;
};

// The documented base policy the generator imitates (docs/models.md):
// hindsight-relabelled random play. Four numbers are drawn uniformly from
// 1..13; with probability `p_target24` the example is random play conditioned
// on reaching 24 (rejection sampling), otherwise it is one random game whose
// own final value becomes the target (kept if an integer in 0..max_target).
// Number multisets that `guard` holds out are never drawn.
struct BasePolicyOptions {
  double p_target24 = 0.5;
  int max_target = 200;
  int min_number = 1;
  int max_number = 13;
};

class BasePolicy {
 public:
  BasePolicy(BasePolicyOptions options, const countdown::HeldOutGuard* guard,
             std::vector<std::vector<countdown::Rational>> extra_held_out);
  TrainingTrace Sample(std::mt19937_64& rng) const;

 private:
  std::vector<countdown::Rational> DrawNumbers(std::mt19937_64& rng) const;

  BasePolicyOptions options_;
  const countdown::HeldOutGuard* guard_;
  std::vector<std::vector<countdown::Rational>> extra_held_out_;  // sorted
};

}  // namespace arts::training

#endif  // ARTS_CORE_TRAINING_BASE_POLICY_H_
