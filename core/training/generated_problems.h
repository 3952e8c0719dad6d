#ifndef ARTS_CORE_TRAINING_GENERATED_PROBLEMS_H_
#define ARTS_CORE_TRAINING_GENERATED_PROBLEMS_H_

#include <cstdint>
#include <vector>

#include "core/countdown/game24.h"

namespace arts::training {

// Countdown problems beyond the 1362 Game-of-24 puzzles, to give the
// verifier many more states than the 800 train-pool puzzles hold.
struct GeneratedProblemOptions {
  int min_count = 3;  // how many numbers, drawn uniformly in [min, max]
  int max_count = 5;
  int max_number = 13;      // numbers are drawn uniformly from 1..max_number
  double p_target24 = 0.5;  // else the target is one random game's result
  int max_target = 100;     // such a result is kept if an integer in 1..this
};

// Draws `count` problems, deterministic for `seed`. Target 24 is kept
// whether or not it is reachable (dead roots are data too). A draw is
// skipped when its numbers are those of a puzzle the guard holds out (test
// and tail) or of a validation puzzle (ranks 801-900), whatever the target.
std::vector<countdown::Problem> GenerateProblems(
    int count, uint64_t seed, const GeneratedProblemOptions& options,
    const std::vector<countdown::Game24Puzzle>& puzzles);

}  // namespace arts::training

#endif  // ARTS_CORE_TRAINING_GENERATED_PROBLEMS_H_
