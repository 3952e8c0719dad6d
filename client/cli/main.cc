// `arts`: the serving client. It calls the services (Orchestrator, Generator,
// Verifier) and links no model; training, evaluation and the reports are
// `arts-lab`'s (client/lab/). `arts help` lists the subcommands; `arts
// COMMAND --help` lists the flags a command takes.
#include "client/cli/command_flags.h"
#include "client/cli/commands.h"

int main(int argc, char** argv) {
  return arts::cli::RunCommandLine("arts", arts::cli::ArtsCommands(), argc,
                                   argv);
}
