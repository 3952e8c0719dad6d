#include <iostream>

#include "absl/flags/flag.h"
#include "absl/strings/str_format.h"
#include "backends/grpc/channel.h"
#include "backends/grpc/search_proto.h"
#include "client/cli/commands.h"
#include "client/cli/flag_groups.h"
#include "client/cli/search_flags.h"
#include "client/cli/solve_output.h"
#include "client/orchestrator_client.h"

ABSL_FLAG(bool, stream, false, "print the search's progress events");

namespace arts::cli {
namespace {

// SolveStream on the orchestrator, printing each event.
int StreamOne(const std::string& address, const std::string& problem,
              const search::SearchOptions& options) {
  absl::StatusOr<std::shared_ptr<client::OrchestratorClient>> client =
      OrchestratorClientFromFlags(address);
  if (!client.ok()) {
    std::cerr << "solve: " << client.status().message() << "\n";
    return 2;
  }
  const std::string target = TargetOf(options.task, problem);
  absl::Status status = (*client)->SolveStream(
      backends::ToProto(problem, options),
      [&](const arts::v1::SolveEvent& event) {
        if (event.has_expansion()) {
          std::cout << absl::StrFormat(
              "  expansion: %d tokens, frontier %d\n",
              event.expansion().cost().tokens_generated(),
              event.expansion().frontier());
        } else if (event.has_best_so_far()) {
          const arts::v1::Answer& best = event.best_so_far();
          std::cout << absl::StrFormat(
              "  best so far: %s score %.4f %s\n", best.final_value(),
              best.score(),
              CheckNote(backends::FromProto(best.check()), target));
        } else if (event.has_final_response()) {
          PrintResult(problem, target,
                      backends::FromProto(event.final_response()));
        }
      },
      absl::GetFlag(FLAGS_timeout), absl::GetFlag(FLAGS_wait_for_ready));
  if (!status.ok()) {
    std::cerr << "solve: " << status << "\n";
    return 1;
  }
  return 0;
}

}  // namespace

int RunSolve() {
  absl::StatusOr<search::SearchOptions> options = SearchOptionsFromFlags();
  if (!options.ok()) {
    std::cerr << "solve: " << options.status().message() << "\n";
    return 2;
  }
  const std::string address = OrchestratorAddress();
  if (absl::GetFlag(FLAGS_stream)) {
    for (const std::string& problem : absl::GetFlag(FLAGS_problem)) {
      if (int code = StreamOne(address, problem, *options); code != 0) {
        return code;
      }
    }
    return 0;
  }
  absl::StatusOr<std::shared_ptr<client::OrchestratorClient>> client =
      OrchestratorClientFromFlags(address);
  if (!client.ok()) {
    std::cerr << "solve: " << client.status().message() << "\n";
    return 2;
  }
  return SolveEach(RemoteSolveFunction(*std::move(client)), *options);
}

}  // namespace arts::cli
