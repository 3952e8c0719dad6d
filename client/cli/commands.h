#ifndef ARTS_CLIENT_CLI_COMMANDS_H_
#define ARTS_CLIENT_CLI_COMMANDS_H_

namespace arts::cli {

// Each `arts` subcommand; flags are already parsed. Returns the exit code.
int RunGenerate();
int RunScore();
int RunTrainGenerator();
int RunTrainRl();
int RunEvalGenerator();
int RunPassAtKReport();
int RunCollectTrees();
int RunTrainVerifier();
int RunEvalVerifier();
int RunSolve();
int RunEval();
int RunLoadtest();

}  // namespace arts::cli

#endif  // ARTS_CLIENT_CLI_COMMANDS_H_
