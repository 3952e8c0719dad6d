#include "client/lab/commands.h"

namespace arts::cli {

std::vector<Command> LabCommands() {
  return {TrainGeneratorCommand(), TrainRlCommand(),
          EvalGeneratorCommand(),  PassAtKReportCommand(),
          CollectTreesCommand(),   TrainVerifierCommand(),
          EvalVerifierCommand(),   LabSolveCommand(),
          EvalCommand(),           RenderTreeCommand()};
}

}  // namespace arts::cli
