#include "client/cli/split_flags.h"

#include "absl/flags/flag.h"
#include "absl/status/status.h"
#include "absl/strings/str_cat.h"
#include "client/cli/flag_groups.h"
#include "core/countdown/game24.h"

namespace arts::cli {

absl::StatusOr<SplitProblems> SplitProblemsFromFlags() {
  // validation: the train pool's last 100 puzzles, which no training run
  // uses, for tuning searches without touching test or tail.
  const bool validation = absl::GetFlag(FLAGS_split) == "validation";
  absl::StatusOr<countdown::Split> split =
      countdown::ParseSplit(validation ? "train" : absl::GetFlag(FLAGS_split));
  if (!split.ok()) {
    return absl::InvalidArgumentError(
        absl::StrCat("--split: ", split.status().message()));
  }
  absl::StatusOr<std::vector<countdown::Game24Puzzle>> puzzles =
      countdown::LoadGame24(absl::GetFlag(FLAGS_data));
  if (!puzzles.ok()) return puzzles.status();
  SplitProblems out;
  out.split = std::string(countdown::SplitName(*split));
  out.problems = ProblemsOf(*puzzles, *split);
  if (validation) {
    out.split = "validation";
    out.problems.clear();
    for (const countdown::Game24Puzzle& p : *puzzles) {
      if (p.split == countdown::Split::kTrain &&
          p.rank >= countdown::kFirstValidationRank) {
        out.problems.push_back(p.problem);
      }
    }
  }
  const int limit = absl::GetFlag(FLAGS_limit);
  if (limit > 0 && limit < static_cast<int>(out.problems.size())) {
    out.problems.resize(limit);
  }
  return out;
}

int ExitCodeFor(const absl::Status& status) {
  return absl::IsInvalidArgument(status) ? 2 : 1;
}

}  // namespace arts::cli
