// `arts-lab`: the research tools, with the models in this process: train and
// evaluate the generator and the verifiers, collect trace trees, run a split
// through a search, and the RL comparison's report. Outputs go where their
// flags say (runs/ by default), never into docs/ unless asked. `arts-lab
// help` lists the subcommands; `arts-lab COMMAND --help` a command's flags.
#include "client/cli/command_flags.h"
#include "client/lab/commands.h"

int main(int argc, char** argv) {
  return arts::cli::RunCommandLine("arts-lab", arts::cli::LabCommands(), argc,
                                   argv);
}
