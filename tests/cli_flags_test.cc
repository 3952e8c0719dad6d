// The commands of `arts` and `arts-lab` take exactly the flags their options
// parsers read (client/cli/flag_reader.h): every flag defined under client/
// is read by some command, and every command's parser accepts its own
// defaults (so that reading at the defaults lists all it reads).
#include <set>
#include <string>
#include <vector>

#include "absl/flags/commandlineflag.h"
#include "absl/flags/reflection.h"
#include "absl/strings/match.h"
#include "client/cli/command_flags.h"
#include "client/cli/commands.h"
#include "client/cli/flag_groups.h"
#include "client/lab/commands.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace arts::cli {
namespace {

using ::testing::Contains;
using ::testing::Not;

std::vector<Command> AllCommands() {
  std::vector<Command> all = ArtsCommands();
  for (Command& command : LabCommands()) all.push_back(std::move(command));
  return all;
}

std::vector<std::string> NamesOf(const Command& command) {
  std::vector<std::string> names;
  for (const absl::CommandLineFlag* flag : FlagsOf(command)) {
    names.emplace_back(flag->Name());
  }
  return names;
}

TEST(CliFlagsTest, EveryCommandsParserAcceptsItsDefaults) {
  for (const Command& command : AllCommands()) {
    SCOPED_TRACE(command.name);
    FlagReader flags;
    EXPECT_TRUE(command.parse(flags).ok()) << command.parse(flags);
  }
}

TEST(CliFlagsTest, EveryFlagDefinedUnderClientIsReadBySomeCommand) {
  std::set<std::string> read;
  for (const Command& command : AllCommands()) {
    for (const std::string& name : NamesOf(command)) read.insert(name);
  }
  int client_flags = 0;
  for (const auto& [name, flag] : absl::GetAllFlags()) {
    const std::string file(flag->Filename());
    if (!absl::StrContains(file, "client/cli/") &&
        !absl::StrContains(file, "client/lab/")) {
      continue;
    }
    ++client_flags;
    EXPECT_EQ(read.count(std::string(name)), 1u)
        << "--" << name << " (" << file << ") is read by no command";
  }
  // The CLI's own flags were seen at all (the filter is not vacuous).
  EXPECT_GT(client_flags, 50);
}

TEST(CliFlagsTest, ACommandTakesWhatItsParserReadsAndNothingElse) {
  for (const Command& command : AllCommands()) {
    const std::vector<std::string> names = NamesOf(command);
    if (command.name == "generate" || command.name == "score") {
      // The model services take no bearer token; only the orchestrator does.
      EXPECT_THAT(names, Contains("tls_ca")) << command.name;
      EXPECT_THAT(names, Not(Contains("token_file"))) << command.name;
    }
    if (command.name == "solve") {
      // A search has no top-k.
      EXPECT_THAT(names, Contains("strategy")) << command.name;
      EXPECT_THAT(names, Not(Contains("top_k"))) << command.name;
    }
    if (command.name == "version") {
      EXPECT_TRUE(names.empty());
    }
    if (command.name == "train-verifier") {
      EXPECT_THAT(names, Contains("trees_dir"));
      EXPECT_THAT(names, Not(Contains("strategy")));
    }
  }
}

TEST(CliFlagsTest, AFlagReadTwiceIsListedOnce) {
  FlagReader flags;
  flags(FLAGS_seed);
  flags(FLAGS_seed);
  ASSERT_EQ(flags.read().size(), 1u);
  EXPECT_EQ(flags.read()[0]->Name(), "seed");
}

}  // namespace
}  // namespace arts::cli
