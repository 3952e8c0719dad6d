#include "client/cli/solve_output.h"

#include <iostream>

#include "absl/flags/flag.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/strings/str_join.h"
#include "client/cli/flag_groups.h"
#include "core/countdown/problem.h"

namespace arts::cli {

std::string TargetOf(const std::string& task, const std::string& problem) {
  if (task != countdown::kTaskName) return "";
  absl::StatusOr<countdown::Problem> parsed = countdown::ParseProblem(problem);
  return parsed.ok() ? parsed->target.ToString() : "";
}

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
  // Where the backends' time went, when they said.
  if (c.generator_queue_seconds + c.generator_compute_seconds +
          c.verifier_queue_seconds + c.verifier_compute_seconds >
      0) {
    std::cout << absl::StrFormat(
        "  backend time: generator %.3f s queued, %.3f s computing; "
        "verifier %.3f s queued, %.3f s computing\n",
        c.generator_queue_seconds, c.generator_compute_seconds,
        c.verifier_queue_seconds, c.verifier_compute_seconds);
  }
}

int SolveEach(const SolveFunction& solve,
              const search::SearchOptions& options) {
  for (const std::string& problem : absl::GetFlag(FLAGS_problem)) {
    absl::StatusOr<search::SearchResult> result = solve(problem, options);
    if (!result.ok()) {
      std::cerr << "solve: " << problem << ": " << result.status() << "\n";
      return 1;
    }
    PrintResult(problem, TargetOf(options.task, problem), *result);
  }
  return 0;
}

}  // namespace arts::cli
