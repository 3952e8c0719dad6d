#ifndef ARTS_CLIENT_CLI_SPLIT_FLAGS_H_
#define ARTS_CLIENT_CLI_SPLIT_FLAGS_H_

#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "core/countdown/problem.h"

namespace arts::cli {

// The puzzles an evaluation command runs: --split of --data, the first
// --limit of them (0 = all).
struct SplitProblems {
  std::string split;  // "test", ...
  std::vector<countdown::Problem> problems;
};

// INVALID_ARGUMENT naming --split for a bad split; the data's own error if
// it cannot be read.
absl::StatusOr<SplitProblems> SplitProblemsFromFlags();

// The exit code for a failed SplitProblemsFromFlags: 2 for a bad flag, 1
// for unreadable data.
int ExitCodeFor(const absl::Status& status);

}  // namespace arts::cli

#endif  // ARTS_CLIENT_CLI_SPLIT_FLAGS_H_
