#ifndef ARTS_CLIENT_LAB_COMMANDS_H_
#define ARTS_CLIENT_LAB_COMMANDS_H_

namespace arts::cli {

// Each `arts-lab` subcommand; flags are already parsed. Returns the exit
// code.
int RunTrainGenerator();
int RunTrainRl();
int RunEvalGenerator();
int RunPassAtKReport();
int RunCollectTrees();
int RunTrainVerifier();
int RunEvalVerifier();
int RunLabSolve();
int RunEval();

}  // namespace arts::cli

#endif  // ARTS_CLIENT_LAB_COMMANDS_H_
