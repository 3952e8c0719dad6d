#ifndef ARTS_CLIENT_CLI_COMMAND_FLAGS_H_
#define ARTS_CLIENT_CLI_COMMAND_FLAGS_H_

#include <string>
#include <vector>

namespace arts::cli {

// One `arts` subcommand and the flags it accepts: those defined in its own
// source file and the shared ones it names (flag_groups.h).
struct Command {
  std::string name;     // "solve"
  std::string summary;  // one line for `arts help`
  int (*run)();         // flags are parsed; returns the exit code
  std::string source;   // the file defining its own flags, "solve_command.cc"
  std::vector<std::string> shared;
};

// Checks that every flag in argv[1..argc) is one `command` accepts; on the
// first that is not, returns a message naming it, else "".
std::string CheckFlags(const Command& command, int argc, char** argv);

// Whether argv asks for help (--help, -help, --help=...).
bool WantsHelp(int argc, char** argv);

// `arts COMMAND --help`: usage, the summary, then each accepted flag with
// its default and help, the command's own flags first.
std::string CommandHelp(const Command& command);

}  // namespace arts::cli

#endif  // ARTS_CLIENT_CLI_COMMAND_FLAGS_H_
