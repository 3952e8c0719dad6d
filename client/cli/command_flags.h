#ifndef ARTS_CLIENT_CLI_COMMAND_FLAGS_H_
#define ARTS_CLIENT_CLI_COMMAND_FLAGS_H_

#include <functional>
#include <iostream>
#include <string>
#include <utility>
#include <vector>

#include "absl/flags/commandlineflag.h"
#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "client/cli/flag_reader.h"

namespace arts::cli {

// One subcommand of `arts` or `arts-lab`. It takes exactly the flags its
// options parser reads (flag_reader.h); MakeCommand builds one.
struct Command {
  std::string name;     // "solve"
  std::string summary;  // one line for `arts help`, `arts-lab help`
  // Reads the command's options through `flags` and checks them, keeping
  // nothing: what it reads at the defaults is what the command takes.
  std::function<absl::Status(FlagReader& flags)> parse;
  // Reads its options from the parsed command line and runs; returns the
  // exit code (2 for a bad option, said on stderr).
  std::function<int()> run;
};

// The flags `command` takes, in the order its parser reads them.
std::vector<const absl::CommandLineFlag*> FlagsOf(const Command& command);

// A command whose options `parse` reads through a FlagReader and `run` acts
// on. `parse` reads every flag the command takes before it checks any, so
// that reading at the defaults lists them all (tests/cli_flags_test.cc
// checks that every command's parser accepts its defaults).
template <typename Options>
Command MakeCommand(std::string name, std::string summary,
                    absl::StatusOr<Options> (*parse)(FlagReader&),
                    int (*run)(const Options&)) {
  Command command;
  command.name = name;
  command.summary = std::move(summary);
  command.parse = [parse](FlagReader& flags) { return parse(flags).status(); };
  command.run = [name, parse, run] {
    FlagReader flags;
    absl::StatusOr<Options> options = parse(flags);
    if (!options.ok()) {
      std::cerr << name << ": " << options.status().message() << "\n";
      return 2;
    }
    return run(*options);
  };
  return command;
}

// Checks that every flag in argv[1..argc) is one `command` accepts; on the
// first that is not, returns a message naming it, else "".
std::string CheckFlags(const std::string& program, const Command& command,
                       int argc, char** argv);

// Whether argv asks for help (--help, -help, --help=...).
bool WantsHelp(int argc, char** argv);

// `PROGRAM COMMAND --help`: usage, the summary, then each accepted flag
// with its default and help, the command's own flags first.
std::string CommandHelp(const std::string& program, const Command& command);

// The life of `arts` and `arts-lab`: `PROGRAM help` lists `commands`,
// `PROGRAM COMMAND --help` one's flags, a flag the command does not take
// exits 2 naming it; otherwise the flags are parsed and the command runs.
// Returns the exit code.
int RunCommandLine(const std::string& program,
                   const std::vector<Command>& commands, int argc, char** argv);

}  // namespace arts::cli

#endif  // ARTS_CLIENT_CLI_COMMAND_FLAGS_H_
