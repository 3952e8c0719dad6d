#ifndef ARTS_CLIENT_CLI_COMMAND_FLAGS_H_
#define ARTS_CLIENT_CLI_COMMAND_FLAGS_H_

#include <string>
#include <vector>

namespace arts::cli {

// The shared flag groups' names (flag_groups.h).
using FlagNames = std::vector<std::string>;
FlagNames Join(std::vector<FlagNames> groups);
FlagNames Without(FlagNames names, const std::string& dropped);

// One subcommand of `arts` or `arts-lab` and the flags it accepts: those
// defined in its own source file and the shared ones it names (flag_groups.h).
struct Command {
  std::string name;     // "solve"
  std::string summary;  // one line for `arts help`, `arts-lab help`
  int (*run)();         // flags are parsed; returns the exit code
  std::string source;   // the file defining its own flags, "solve_command.cc"
  std::vector<std::string> shared;
};

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
