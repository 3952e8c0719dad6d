#include <iostream>

#include "absl/flags/flag.h"
#include "absl/strings/ascii.h"
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

struct SolveOptions {
  SolveProblems problems;
  std::string orchestrator;
  bool stream = false;
  search::SearchOptions search;
  OrchestratorSecurity security;
  ConnectionOptions connection;
};

absl::StatusOr<SolveOptions> ParseSolveOptions(FlagReader& flags) {
  SolveOptions options;
  options.problems = ReadSolveProblems(flags);
  options.orchestrator = OrchestratorOrDefault(ReadOrchestrator(flags));
  options.stream = flags(FLAGS_stream);
  absl::StatusOr<search::SearchOptions> search = ReadSearchOptions(flags);
  options.security = ReadOrchestratorSecurity(flags);
  options.connection = ReadConnectionOptions(flags);
  if (!search.ok()) return search.status();
  options.search = *std::move(search);
  return options;
}

// SolveStream on the orchestrator, printing each event.
int StreamOne(client::OrchestratorClient& client, const std::string& problem,
              const SolveOptions& options, TreeWriter& trees) {
  const std::string target = TargetOf(options.search.task, problem);
  search::SearchOptions searched = options.search;
  searched.trace_tree = !options.problems.tree_out.empty();
  absl::Status written;
  absl::Status status = client.SolveStream(
      backends::ToProto(problem, searched),
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
        } else if (event.has_tree()) {
          for (const arts::v1::TreeEvent& tree : event.tree().events()) {
            const arts::v1::TreeNode& node = tree.node();
            std::cout << absl::StrFormat(
                "  node %d (parent %d) %s: %s\n", node.id(), node.parent(),
                absl::AsciiStrToLower(
                    arts::v1::TreeEvent::Change_Name(tree.change())),
                absl::AsciiStrToLower(
                    arts::v1::NodeState_Name(node.state()).substr(5)));
          }
        } else if (event.has_final_response()) {
          const search::SearchResult result =
              backends::FromProto(event.final_response());
          PrintResult(problem, target, result);
          written = trees.Add(result);
        }
      },
      options.connection.timeout, options.connection.wait_for_ready);
  if (!status.ok()) {
    std::cerr << "solve: " << status << "\n";
    return 1;
  }
  if (!written.ok()) {
    std::cerr << "solve: " << written.message() << "\n";
    return 1;
  }
  return 0;
}

int RunSolve(const SolveOptions& options) {
  absl::StatusOr<std::shared_ptr<client::OrchestratorClient>> client =
      MakeOrchestratorClient(options.orchestrator, options.security);
  if (!client.ok()) {
    std::cerr << "solve: " << client.status().message() << "\n";
    return 2;
  }
  if (options.stream) {
    if (absl::Status s = CheckTreeOut(options.problems); !s.ok()) {
      std::cerr << "solve: " << s.message() << "\n";
      return 2;
    }
    TreeWriter trees(options.problems.tree_out,
                     options.problems.problems.size());
    for (const std::string& problem : options.problems.problems) {
      if (int code = StreamOne(**client, problem, options, trees); code != 0) {
        return code;
      }
    }
    return 0;
  }
  return SolveEach(RemoteSolveFunction(*std::move(client), options.connection),
                   options.search, options.problems);
}

}  // namespace

Command SolveCommand() {
  return MakeCommand<SolveOptions>("solve",
                                   "solve problems on an Orchestrator service",
                                   ParseSolveOptions, RunSolve);
}

}  // namespace arts::cli
