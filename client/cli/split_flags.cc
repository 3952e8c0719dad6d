#include "client/cli/split_flags.h"

#include <filesystem>

#include "absl/flags/flag.h"
#include "absl/status/status.h"
#include "absl/strings/str_cat.h"
#include "client/cli/flag_groups.h"
#include "core/countdown/game24.h"
#include "core/countdown/problem_list.h"

namespace arts::cli {

namespace {

// The problems of --puzzles, named by the file's stem (docs/results/rl/rare.csv
// is "rare").
absl::StatusOr<SplitProblems> ListedProblems(const std::string& path) {
  absl::StatusOr<std::vector<countdown::Problem>> listed =
      countdown::LoadProblemList(path);
  if (!listed.ok()) {
    return absl::Status(listed.status().code(),
                        absl::StrCat("--puzzles: ", listed.status().message()));
  }
  return SplitProblems{std::filesystem::path(path).stem().string(),
                       *std::move(listed)};
}

absl::StatusOr<SplitProblems> SplitOrListedProblems() {
  if (const std::string path = absl::GetFlag(FLAGS_puzzles); !path.empty()) {
    return ListedProblems(path);
  }
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
  return out;
}

}  // namespace

absl::StatusOr<SplitProblems> SplitProblemsFromFlags() {
  absl::StatusOr<SplitProblems> out = SplitOrListedProblems();
  if (!out.ok()) return out.status();
  const int limit = absl::GetFlag(FLAGS_limit);
  if (limit > 0 && limit < static_cast<int>(out->problems.size())) {
    out->problems.resize(limit);
  }
  return out;
}

int ExitCodeFor(const absl::Status& status) {
  return absl::IsInvalidArgument(status) ? 2 : 1;
}

}  // namespace arts::cli
