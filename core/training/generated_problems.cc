#include "core/training/generated_problems.h"

#include <algorithm>
#include <random>
#include <set>

#include "core/training/base_policy.h"
#include "core/training/generator_trainer.h"

namespace arts::training {

using countdown::Rational;

std::vector<countdown::Problem> GenerateProblems(
    int count, uint64_t seed, const GeneratedProblemOptions& options,
    const std::vector<countdown::Game24Puzzle>& puzzles) {
  const countdown::HeldOutGuard guard(puzzles);
  std::set<std::vector<Rational>> validation;
  for (const countdown::Game24Puzzle& p : puzzles) {
    if (p.split == countdown::Split::kTrain && p.rank >= kFirstValidationRank) {
      std::vector<Rational> numbers = p.problem.numbers;
      std::sort(numbers.begin(), numbers.end());
      validation.insert(numbers);
    }
  }
  std::mt19937_64 rng(seed);
  std::uniform_int_distribution<int> how_many(options.min_count,
                                              options.max_count);
  std::uniform_int_distribution<int> number(1, options.max_number);
  std::bernoulli_distribution want24(options.p_target24);
  std::vector<countdown::Problem> problems;
  while (static_cast<int>(problems.size()) < count) {
    const bool target24 = want24(rng);
    while (true) {
      std::vector<Rational> numbers(how_many(rng));
      for (Rational& n : numbers) n = Rational(number(rng));
      std::vector<Rational> sorted = numbers;
      std::sort(sorted.begin(), sorted.end());
      if (guard.IsHeldOut(countdown::Problem{numbers, 24}) ||
          validation.count(sorted) > 0) {
        continue;
      }
      if (target24) {
        problems.push_back({std::move(numbers), Rational(24)});
        break;
      }
      const Rational result = RandomPlay(numbers, rng).back().result;
      if (result.is_integer() && result.num() >= 1 &&
          result.num() <= options.max_target) {
        problems.push_back({std::move(numbers), result});
        break;
      }
    }
  }
  return problems;
}

}  // namespace arts::training
