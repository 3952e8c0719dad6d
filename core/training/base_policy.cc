#include "core/training/base_policy.h"

#include <algorithm>

#include "core/countdown/checker.h"

namespace arts::training {

using countdown::Rational;

std::vector<countdown::Step> RandomPlay(const std::vector<Rational>& numbers,
                                        std::mt19937_64& rng) {
  countdown::State state{countdown::Problem{numbers, 0}, numbers};
  std::vector<countdown::Step> steps;
  static constexpr char kOps[] = {'+', '-', '*', '/'};
  while (!state.terminal()) {
    const int n = static_cast<int>(state.left.size());
    std::uniform_int_distribution<int> pick(0, n - 1);
    std::uniform_int_distribution<int> pick_op(0, 3);
    int i = pick(rng), j = pick(rng);
    if (i == j) continue;
    absl::StatusOr<countdown::Step> step = countdown::CompleteStep(
        state, state.left[i], kOps[pick_op(rng)], state.left[j]);
    if (!step.ok()) continue;  // division by zero: draw again
    state.left = step->left;
    steps.push_back(*std::move(step));
  }
  return steps;
}

BasePolicy::BasePolicy(BasePolicyOptions options,
                       const countdown::HeldOutGuard* guard,
                       std::vector<std::vector<Rational>> extra_held_out)
    : options_(options),
      guard_(guard),
      extra_held_out_(std::move(extra_held_out)) {
  for (auto& numbers : extra_held_out_)
    std::sort(numbers.begin(), numbers.end());
  std::sort(extra_held_out_.begin(), extra_held_out_.end());
}

std::vector<Rational> BasePolicy::DrawNumbers(std::mt19937_64& rng) const {
  std::uniform_int_distribution<int> draw(options_.min_number,
                                          options_.max_number);
  while (true) {
    std::vector<Rational> numbers;
    for (int i = 0; i < 4; ++i) numbers.push_back(Rational(draw(rng)));
    if (guard_ != nullptr &&
        guard_->IsHeldOut(countdown::Problem{numbers, 24})) {
      continue;
    }
    std::vector<Rational> sorted = numbers;
    std::sort(sorted.begin(), sorted.end());
    if (std::binary_search(extra_held_out_.begin(), extra_held_out_.end(),
                           sorted)) {
      continue;
    }
    return numbers;
  }
}

TrainingTrace BasePolicy::Sample(std::mt19937_64& rng) const {
  std::bernoulli_distribution want24(options_.p_target24);
  const bool target24 = want24(rng);
  while (true) {
    std::vector<Rational> numbers = DrawNumbers(rng);
    // Up to 2000 games per draw: unsolvable draws are abandoned.
    for (int attempt = 0; attempt < (target24 ? 2000 : 1); ++attempt) {
      std::vector<countdown::Step> steps = RandomPlay(numbers, rng);
      const Rational& final_value = steps.back().result;
      if (target24) {
        if (final_value == Rational(24)) {
          return TrainingTrace{{numbers, 24}, std::move(steps)};
        }
      } else if (final_value.is_integer() && final_value.num() >= 0 &&
                 final_value.num() <= options_.max_target) {
        return TrainingTrace{{numbers, final_value}, std::move(steps)};
      }
    }
  }
}

}  // namespace arts::training
