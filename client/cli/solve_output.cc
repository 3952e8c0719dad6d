#include "client/cli/solve_output.h"

#include <iostream>

#include "absl/flags/flag.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/strings/str_join.h"
#include "client/cli/flag_groups.h"
#include "core/countdown/problem.h"
#include "core/io/atomic_file.h"
#include "core/search/search_tree_json.h"
#include "core/task/reference_problems.h"
#include "core/task/task.h"

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

namespace {

// --problems_file: each problem solved and its top answer compared with the
// reference in the task's normal form; a summary line at the end.
int SolveReferenceProblems(const SolveFunction& solve,
                           const search::SearchOptions& options,
                           const std::string& problems_file) {
  absl::StatusOr<std::vector<task::ReferenceProblem>> problems =
      task::ReadReferenceProblems(problems_file);
  if (!problems.ok()) {
    std::cerr << "solve: --problems_file: " << problems.status().message()
              << "\n";
    return 2;
  }
  absl::StatusOr<const task::Task*> task = task::TaskOrError(options.task);
  if (!task.ok()) {
    std::cerr << "solve: " << task.status().message() << "\n";
    return 2;
  }
  int right = 0;
  int64_t tokens = 0;
  // A problem the search refuses is reported with its line, and the rest
  // go on; the summary and the exit code say that some failed.
  std::vector<int> failed_lines;
  for (const task::ReferenceProblem& p : *problems) {
    absl::StatusOr<search::SearchResult> result = solve(p.problem, options);
    if (!result.ok()) {
      std::cerr << "solve: " << problems_file << ":" << p.line << ": "
                << p.problem << ": " << result.status() << "\n";
      failed_lines.push_back(p.line);
      continue;
    }
    PrintResult(p.problem, TargetOf(options.task, p.problem), *result);
    const bool match =
        !result->answers.empty() &&
        (*task)->NormalizeAnswer(result->answers.front().final_value) ==
            (*task)->NormalizeAnswer(p.answer);
    right += match;
    tokens += result->cost.tokens_generated;
    std::cout << "  reference " << p.answer
              << (match ? ": the top answer matches\n"
                        : ": the top answer does NOT match\n");
  }
  const double n = static_cast<double>(problems->size());
  const double solved = n - static_cast<double>(failed_lines.size());
  std::cout << absl::StrFormat(
      "right: %d of %d (%.1f%%), %.1f tokens per problem", right,
      problems->size(), 100.0 * right / n,
      solved > 0 ? static_cast<double>(tokens) / solved : 0.0);
  if (!failed_lines.empty()) {
    std::cout << absl::StrFormat("; %d failed (lines %s)", failed_lines.size(),
                                 absl::StrJoin(failed_lines, ", "));
  }
  std::cout << "\n";
  return failed_lines.empty() ? 0 : 1;
}

}  // namespace

SolveProblems ReadSolveProblems(FlagReader& flags) {
  SolveProblems problems;
  problems.problems = flags(FLAGS_problem);
  problems.problems_file = flags(FLAGS_problems_file);
  problems.tree_out = flags(FLAGS_tree_out);
  return problems;
}

absl::Status CheckTreeOut(const SolveProblems& problems) {
  if (!problems.tree_out.empty() && !problems.problems_file.empty()) {
    return absl::InvalidArgumentError(
        "--tree_out: the trees of --problem searches only, not of "
        "--problems_file");
  }
  return absl::OkStatus();
}

TreeWriter::TreeWriter(std::string path, size_t problems)
    : path_(std::move(path)), one_(problems == 1) {}

absl::Status TreeWriter::Add(const search::SearchResult& result) {
  if (path_.empty()) return absl::OkStatus();
  if (!result.tree.has_value()) {
    return absl::InternalError(
        "--tree_out: the search returned no tree (an orchestrator older than "
        "trace_tree?)");
  }
  // One problem: one indented object (what the page and render-tree open);
  // several: one object per line.
  absl::StrAppend(&text_, search::SearchTreeJson(*result.tree, one_), "\n");
  absl::Status written = io::WriteFileAtomically(path_, text_);
  if (!written.ok()) {
    return absl::Status(written.code(),
                        absl::StrCat("--tree_out: ", written.message()));
  }
  return absl::OkStatus();
}

int SolveEach(const SolveFunction& solve, const search::SearchOptions& options,
              const SolveProblems& problems) {
  if (!problems.problems_file.empty()) {
    return SolveReferenceProblems(solve, options, problems.problems_file);
  }
  if (absl::Status s = CheckTreeOut(problems); !s.ok()) {
    std::cerr << "solve: " << s.message() << "\n";
    return 2;
  }
  search::SearchOptions searched = options;
  searched.trace_tree = !problems.tree_out.empty();
  TreeWriter trees(problems.tree_out, problems.problems.size());
  for (const std::string& problem : problems.problems) {
    absl::StatusOr<search::SearchResult> result = solve(problem, searched);
    if (!result.ok()) {
      std::cerr << "solve: " << problem << ": " << result.status() << "\n";
      return 1;
    }
    PrintResult(problem, TargetOf(options.task, problem), *result);
    if (absl::Status s = trees.Add(*result); !s.ok()) {
      std::cerr << "solve: " << s.message() << "\n";
      return 1;
    }
  }
  return 0;
}

}  // namespace arts::cli
