#include "client/cli/split_flags.h"

#include <filesystem>

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

absl::StatusOr<SplitProblems> SplitOrListedProblems(
    const SplitOptions& options) {
  if (!options.puzzles.empty()) return ListedProblems(options.puzzles);
  // validation: the train pool's last 100 puzzles, which no training run
  // uses, for tuning searches without touching test or tail.
  const bool validation = options.split == "validation";
  absl::StatusOr<countdown::Split> split =
      countdown::ParseSplit(validation ? "train" : options.split);
  if (!split.ok()) {
    return absl::InvalidArgumentError(
        absl::StrCat("--split: ", split.status().message()));
  }
  absl::StatusOr<std::vector<countdown::Game24Puzzle>> puzzles =
      countdown::LoadGame24(options.data);
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

SplitOptions ReadSplitOptions(FlagReader& flags) {
  SplitOptions options;
  options.data = flags(FLAGS_data);
  options.split = flags(FLAGS_split);
  options.limit = flags(FLAGS_limit);
  options.puzzles = flags(FLAGS_puzzles);
  return options;
}

absl::StatusOr<SplitProblems> LoadSplitProblems(const SplitOptions& options) {
  absl::StatusOr<SplitProblems> out = SplitOrListedProblems(options);
  if (!out.ok()) return out.status();
  const int limit = options.limit;
  if (limit > 0 && limit < static_cast<int>(out->problems.size())) {
    out->problems.resize(limit);
  }
  return out;
}

int ExitCodeFor(const absl::Status& status) {
  return absl::IsInvalidArgument(status) ? 2 : 1;
}

}  // namespace arts::cli
