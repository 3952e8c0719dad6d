#include <iostream>

#include "absl/flags/flag.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/strings/str_join.h"
#include "backends/grpc/channel.h"
#include "backends/grpc/search_proto.h"
#include "client/cli/commands.h"
#include "client/cli/flag_groups.h"
#include "client/cli/search_flags.h"
#include "client/orchestrator_client.h"
#include "core/countdown/problem.h"

ABSL_FLAG(bool, stream, false,
          "with --orchestrator, print the search's progress events");

namespace arts::cli {
namespace {

// The target of a Countdown problem, for telling the user what a failing
// answer missed; "" for other tasks.
std::string TargetOf(const std::string& task, const std::string& problem) {
  if (task != "countdown") return "";
  absl::StatusOr<countdown::Problem> parsed = countdown::ParseProblem(problem);
  return parsed.ok() ? parsed->target.ToString() : "";
}

// What the task's own check says of an answer (empty when the task cannot
// check), so that a wrong answer is never shown as if it were fine.
std::string CheckNote(search::Check check, const std::string& target) {
  switch (check) {
    case search::Check::kPassed:
      return "[passes check]";
    case search::Check::kFailed:
      return target.empty() ? "[FAILS the task's check]"
                            : absl::StrCat("[FAILS the task's check: target ",
                                           target, "]");
    case search::Check::kUnknown:
      break;
  }
  return "";
}

void PrintResult(const std::string& problem, const std::string& target,
                 const search::SearchResult& result) {
  std::cout << problem << (result.verified ? "" : "  [UNVERIFIED]") << "\n";
  if (result.answers.empty()) std::cout << "  no answer\n";
  bool checked = false, passed = false;
  for (const search::Answer& answer : result.answers) {
    checked = checked || answer.check != search::Check::kUnknown;
    passed = passed || answer.check == search::Check::kPassed;
    std::string note = CheckNote(answer.check, target);
    if (!note.empty()) note += "  ";
    std::cout << absl::StrFormat("  answer %-6s score %8.4f  %s%s\n",
                                 answer.final_value, answer.score, note,
                                 absl::StrJoin(answer.steps, " | "));
  }
  // The answers stay in the verifier's order; this line says plainly when
  // none of them holds.
  if (checked && !passed) {
    std::cout << "  no answer passes the task's check"
              << (target.empty() ? "" : absl::StrCat(" (target ", target, ")"))
              << "\n";
  }
  const search::CostReceipt& c = result.cost;
  std::cout << absl::StrFormat(
      "  cost: %d tokens, %d generator calls, %d verifier calls (%d traces), "
      "%d expansions, %.3f s; stopped: %s\n",
      c.tokens_generated, c.generator_calls, c.verifier_calls, c.traces_scored,
      c.expansions, c.wall_seconds, result.stop_reason);
}

// SolveStream on the orchestrator, printing each event.
int StreamOne(const std::string& problem,
              const search::SearchOptions& options) {
  absl::StatusOr<std::shared_ptr<client::OrchestratorClient>> client =
      OrchestratorClientFromFlags(absl::GetFlag(FLAGS_orchestrator));
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
  if (absl::Status threads = SetSamplingThreads(); !threads.ok()) {
    std::cerr << "solve: " << threads.message() << "\n";
    return 2;
  }
  absl::StatusOr<search::SearchOptions> options = SearchOptionsFromFlags();
  if (!options.ok()) {
    std::cerr << "solve: " << options.status().message() << "\n";
    return 2;
  }
  if (absl::GetFlag(FLAGS_stream)) {
    if (absl::GetFlag(FLAGS_orchestrator).empty()) {
      std::cerr << "solve: --stream needs --orchestrator\n";
      return 2;
    }
    for (const std::string& problem : absl::GetFlag(FLAGS_problem)) {
      if (int code = StreamOne(problem, *options); code != 0) return code;
    }
    return 0;
  }
  std::string where;
  absl::StatusOr<SolveFunction> solve = MakeSolveFunction(&where);
  if (!solve.ok()) {
    std::cerr << "solve: " << solve.status().message() << "\n";
    return 1;
  }
  for (const std::string& problem : absl::GetFlag(FLAGS_problem)) {
    absl::StatusOr<search::SearchResult> result = (*solve)(problem, *options);
    if (!result.ok()) {
      std::cerr << "solve: " << problem << ": " << result.status() << "\n";
      return 1;
    }
    PrintResult(problem, TargetOf(options->task, problem), *result);
  }
  return 0;
}

}  // namespace arts::cli
