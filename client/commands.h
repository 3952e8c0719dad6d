#ifndef ARTS_CLIENT_COMMANDS_H_
#define ARTS_CLIENT_COMMANDS_H_

namespace arts::cli {

// Each `arts` subcommand; flags are already parsed. Returns the exit code.
int RunGenerate();
int RunTrainGenerator();
int RunEvalGenerator();
int RunCollectTrees();

}  // namespace arts::cli

#endif  // ARTS_CLIENT_COMMANDS_H_
