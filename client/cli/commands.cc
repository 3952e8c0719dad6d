#include "client/cli/commands.h"

namespace arts::cli {

std::vector<Command> ArtsCommands() {
  return {SolveCommand(),    GenerateCommand(), ScoreCommand(),
          LoadtestCommand(), HealthCommand(),   VersionCommand()};
}

}  // namespace arts::cli
