#ifndef ARTS_CORE_COUNTDOWN_GAME24_H_
#define ARTS_CORE_COUNTDOWN_GAME24_H_

#include <set>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "core/countdown/problem.h"

namespace arts::countdown {

// The splits of shared/data/game24/SOURCE.md, by human solving-time rank.
enum class Split { kTrain, kTest, kTail };

absl::StatusOr<Split> ParseSplit(absl::string_view name);  // train|test|tail
absl::string_view SplitName(Split split);

struct Game24Puzzle {
  int rank = 0;     // 1 = easiest for people
  Problem problem;  // four numbers -> 24
  Split split = Split::kTrain;
};

Split SplitOfRank(int rank);

// The train pool's last 100 puzzles (ranks 801-900) are the validation
// puzzles: no training run uses them, and searches are tuned on them.
inline constexpr int kFirstValidationRank = 801;

// Loads 24.csv (1362 ranked puzzles). Errors name the file and the line.
absl::StatusOr<std::vector<Game24Puzzle>> LoadGame24(const std::string& path);

std::vector<Problem> ProblemsOf(const std::vector<Game24Puzzle>& puzzles,
                                Split split);

// The default location of 24.csv (core/io/default_paths.h; flags override).
std::string DefaultGame24Path();

// Guards training data against the benchmark: a problem is held out when its
// numbers, as a multiset, are those of a test or tail puzzle, whatever its
// target. (Stricter than needed: target-24 is what the benchmark asks, but a
// model trained on other targets for the same numbers would still have seen
// the puzzle.)
class HeldOutGuard {
 public:
  explicit HeldOutGuard(const std::vector<Game24Puzzle>& puzzles);
  bool IsHeldOut(const Problem& problem) const;
  size_t size() const { return held_out_.size(); }

 private:
  std::set<std::vector<Rational>> held_out_;
};

}  // namespace arts::countdown

#endif  // ARTS_CORE_COUNTDOWN_GAME24_H_
