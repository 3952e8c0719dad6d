#ifndef ARTS_CORE_EVAL_SEARCH_EVAL_H_
#define ARTS_CORE_EVAL_SEARCH_EVAL_H_

#include <functional>
#include <ostream>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "core/countdown/problem.h"
#include "core/search/search_options.h"
#include "core/search/search_result.h"

namespace arts::eval {

// One search on one puzzle, judged by the task checker.
struct SearchEvalRow {
  std::string problem;
  bool success = false;  // the top answer is correct
  bool oracle = false;   // some returned answer is correct (the ceiling)
  int answers = 0;
  search::CostReceipt cost;
  bool verified = true;
  std::string stop_reason;
  std::string top_answer;  // its steps joined by " | "
};

// A run's totals: one line of the results table.
struct SearchEvalSummary {
  std::string label;  // e.g. "bon16-flow"
  std::string split;
  int puzzles = 0;
  double success = 0;  // share of puzzles
  double oracle = 0;
  double mean_tokens = 0;
  double mean_verifier_calls = 0;
  double mean_expansions = 0;
  double mean_wall_seconds = 0;
};

using SolveFunction = std::function<absl::StatusOr<search::SearchResult>(
    const std::string& problem, const search::SearchOptions& options)>;

// Searches every problem with `options` through `solve`, judging the answers
// with the checker. The harness asks for every answer found (top_n is
// raised to the maximum) so that the oracle column sees them all; success
// looks at the first only. Puzzle i is searched with options.seed + i.
// Prints one line per puzzle to `progress`.
absl::StatusOr<std::vector<SearchEvalRow>> EvaluateSearch(
    const std::vector<countdown::Problem>& problems,
    search::SearchOptions options, const SolveFunction& solve,
    std::ostream& progress);

SearchEvalSummary Summarize(const std::string& label, const std::string& split,
                            const std::vector<SearchEvalRow>& rows);

// Per-puzzle rows as CSV (written atomically).
absl::Status WriteRowsCsv(const std::string& path,
                          const std::vector<SearchEvalRow>& rows);

// The run summaries of a results directory: `summary.csv` holds one line
// per (label, split); Merge replaces the line with the same key.
absl::StatusOr<std::vector<SearchEvalSummary>> ReadSummaries(
    const std::string& path);
absl::Status WriteSummaries(const std::string& path,
                            const std::vector<SearchEvalSummary>& summaries);
void MergeSummary(std::vector<SearchEvalSummary>& summaries,
                  const SearchEvalSummary& summary);

// A Markdown table and an SVG plot of success against mean tokens generated,
// one series per split.
std::string SummaryMarkdown(const std::vector<SearchEvalSummary>& summaries);
std::string SummarySvg(const std::vector<SearchEvalSummary>& summaries);

}  // namespace arts::eval

#endif  // ARTS_CORE_EVAL_SEARCH_EVAL_H_
