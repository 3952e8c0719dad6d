#ifndef ARTS_CLIENT_CLI_COMMANDS_H_
#define ARTS_CLIENT_CLI_COMMANDS_H_

#include <vector>

#include "client/cli/command_flags.h"

namespace arts::cli {

// Every `arts` subcommand, in the order `arts help` lists them.
std::vector<Command> ArtsCommands();

// Each `arts` subcommand, with its options parser (*_command.cc).
Command SolveCommand();
Command GenerateCommand();
Command ScoreCommand();
Command LoadtestCommand();
Command HealthCommand();
Command VersionCommand();

}  // namespace arts::cli

#endif  // ARTS_CLIENT_CLI_COMMANDS_H_
