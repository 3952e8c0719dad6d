// `arts`: the serving client. It calls the services (Orchestrator, Generator,
// Verifier) and links no model; training, evaluation and the reports are
// `arts-lab`'s (client/lab/). `arts help` lists the subcommands; `arts
// COMMAND --help` lists the flags a command takes.
#include <vector>

#include "client/cli/command_flags.h"
#include "client/cli/commands.h"
#include "client/cli/flag_groups.h"

namespace arts::cli {
namespace {

// Every subcommand, with the shared flags it reads.
std::vector<Command> Commands() {
  return {
      {"solve", "solve problems on an Orchestrator service", RunSolve,
       "solve_command.cc",
       Join({{"problem", "problems_file", "orchestrator"},
             kConnectionFlags,
             kSecurityFlags,
             Without(kSearchFlags, "orchestrator"),
             kSearchSamplingFlags})},
      {"generate", "stream candidate steps from a Generator service",
       RunGenerate, "generate_command.cc",
       Join({kTraceFlags,
             {"task"},
             kConnectionFlags,
             kSecurityFlags,
             kSamplingFlags})},
      {"score", "score partial traces with a Verifier service", RunScore,
       "score_command.cc",
       Join({kTraceFlags, {"task"}, kConnectionFlags, kSecurityFlags})},
      {"loadtest",
       "load a service at fixed concurrency: goodput, p50/p90/p99, codes",
       RunLoadtest, "loadtest_command.cc",
       // --top_k is read by the propose target.
       Join({{"address", "timeout"},
             kSecurityFlags,
             kSplitFlags,
             Without(kSearchFlags, "orchestrator"),
             kSamplingFlags})},
      {"health", "ask a service's gRPC health (grpc.health.v1) how it is",
       RunHealth, "health_command.cc",
       Join({{"address"}, kConnectionFlags, kSecurityFlags})},
      {"version",
       "this build's version and the contract it speaks",
       RunVersion,
       "version_command.cc",
       {}},
  };
}

}  // namespace
}  // namespace arts::cli

int main(int argc, char** argv) {
  return arts::cli::RunCommandLine("arts", arts::cli::Commands(), argc, argv);
}
