#include "client/cli/split_flags.h"

#include "absl/flags/flag.h"
#include "absl/status/status.h"
#include "absl/strings/str_cat.h"
#include "client/cli/flag_groups.h"
#include "core/countdown/game24.h"

namespace arts::cli {

absl::StatusOr<SplitProblems> SplitProblemsFromFlags() {
  absl::StatusOr<countdown::Split> split =
      countdown::ParseSplit(absl::GetFlag(FLAGS_split));
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
