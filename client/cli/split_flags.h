#ifndef ARTS_CLIENT_CLI_SPLIT_FLAGS_H_
#define ARTS_CLIENT_CLI_SPLIT_FLAGS_H_

#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "client/cli/flag_reader.h"
#include "core/countdown/problem.h"

namespace arts::cli {

// Which puzzles an evaluation command runs: --split of --data, or the file
// --puzzles instead, the first --limit of them (0 = all).
struct SplitOptions {
  std::string data;
  std::string split;
  int limit = 0;
  std::string puzzles;
};
SplitOptions ReadSplitOptions(FlagReader& flags);

// The puzzles themselves.
struct SplitProblems {
  std::string split;  // "test", ...
  std::vector<countdown::Problem> problems;
};

// INVALID_ARGUMENT naming --split for a bad split; the data's own error if
// it cannot be read.
absl::StatusOr<SplitProblems> LoadSplitProblems(const SplitOptions& options);

// The exit code for a failed LoadSplitProblems: 2 for a bad flag, 1 for
// unreadable data.
int ExitCodeFor(const absl::Status& status);

}  // namespace arts::cli

#endif  // ARTS_CLIENT_CLI_SPLIT_FLAGS_H_
