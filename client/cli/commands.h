#ifndef ARTS_CLIENT_CLI_COMMANDS_H_
#define ARTS_CLIENT_CLI_COMMANDS_H_

namespace arts::cli {

// Each `arts` subcommand; flags are already parsed. Returns the exit code.
int RunSolve();
int RunGenerate();
int RunScore();
int RunLoadtest();
int RunHealth();
int RunVersion();

}  // namespace arts::cli

#endif  // ARTS_CLIENT_CLI_COMMANDS_H_
