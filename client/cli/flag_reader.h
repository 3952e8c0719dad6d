// Every `arts` and `arts-lab` command reads its flags into a typed options
// struct through a FlagReader, which remembers each flag it was asked for.
// The flags a command accepts, and `--help` lists, are exactly those its
// options parser reads (command_flags.h): a flag that nothing reads cannot
// be passed, and tests/cli_flags_test.cc checks that every flag defined
// under client/ is read by some command.
#ifndef ARTS_CLIENT_CLI_FLAG_READER_H_
#define ARTS_CLIENT_CLI_FLAG_READER_H_

#include <algorithm>
#include <vector>

#include "absl/flags/commandlineflag.h"
#include "absl/flags/flag.h"

namespace arts::cli {

class FlagReader {
 public:
  // The flag's value, now parsed from the command line (or its default).
  template <typename T>
  T operator()(const absl::Flag<T>& flag) {
    const absl::CommandLineFlag* handle = &absl::GetFlagReflectionHandle(flag);
    if (std::find(read_.begin(), read_.end(), handle) == read_.end()) {
      read_.push_back(handle);
    }
    return absl::GetFlag(flag);
  }

  // The flags read so far, each once, in the order first read.
  const std::vector<const absl::CommandLineFlag*>& read() const {
    return read_;
  }

 private:
  std::vector<const absl::CommandLineFlag*> read_;
};

}  // namespace arts::cli

#endif  // ARTS_CLIENT_CLI_FLAG_READER_H_
