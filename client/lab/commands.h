#ifndef ARTS_CLIENT_LAB_COMMANDS_H_
#define ARTS_CLIENT_LAB_COMMANDS_H_

#include <vector>

#include "client/cli/command_flags.h"

namespace arts::cli {

// Every `arts-lab` subcommand, in the order `arts-lab help` lists them.
std::vector<Command> LabCommands();

// Each `arts-lab` subcommand, with its options parser (*_command.cc).
Command TrainGeneratorCommand();
Command TrainRlCommand();
Command EvalGeneratorCommand();
Command PassAtKReportCommand();
Command CollectTreesCommand();
Command TrainVerifierCommand();
Command EvalVerifierCommand();
Command LabSolveCommand();
Command RenderTreeCommand();
Command EvalCommand();

}  // namespace arts::cli

#endif  // ARTS_CLIENT_LAB_COMMANDS_H_
