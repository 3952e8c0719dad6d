// `arts version`: this build's version and the contract it speaks.
#include <iostream>

#include "arts/v1/orchestrator.grpc.pb.h"
#include "client/cli/commands.h"

namespace arts::cli {

namespace {

// `arts version` takes no flags.
struct VersionOptions {};

absl::StatusOr<VersionOptions> ParseVersionOptions(FlagReader&) {
  return VersionOptions();
}

int RunVersion(const VersionOptions&) {
  std::cout << "arts " << ARTS_VERSION << " (contract arts.v1: "
            << arts::v1::Orchestrator::service_full_name() << ", "
            << "arts.v1.Generator, arts.v1.Verifier)\n";
  return 0;
}

}  // namespace

Command VersionCommand() {
  return MakeCommand<VersionOptions>(
      "version", "this build's version and the contract it speaks",
      ParseVersionOptions, RunVersion);
}

}  // namespace arts::cli
