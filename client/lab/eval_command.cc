#include <filesystem>
#include <iostream>

#include "absl/flags/flag.h"
#include "absl/strings/str_cat.h"
#include "client/cli/flag_groups.h"
#include "client/cli/split_flags.h"
#include "client/lab/commands.h"
#include "client/lab/lab_flags.h"
#include "client/lab/local_solve.h"
#include "core/countdown/game24.h"
#include "core/eval/search_eval.h"
#include "core/io/atomic_file.h"

ABSL_FLAG(std::string, label, "",
          "the run's name in the results (default: the strategy)");
ABSL_FLAG(std::string, results_dir, "runs/eval",
          "where per-puzzle CSVs, summary.csv, summary.md and "
          "summary.svg go");

namespace arts::cli {

namespace {

struct EvalOptions {
  std::string label;  // the strategy's name when the flag is empty
  std::string results_dir;
  SplitOptions split;
  LabSearchOptions search;
};

absl::StatusOr<EvalOptions> ParseEvalOptions(FlagReader& flags) {
  EvalOptions options;
  options.label = flags(FLAGS_label);
  options.results_dir = flags(FLAGS_results_dir);
  options.split = ReadSplitOptions(flags);
  absl::StatusOr<LabSearchOptions> lab_search = ReadLabSearchOptions(flags);
  if (!lab_search.ok()) return lab_search.status();
  options.search = *std::move(lab_search);
  if (options.label.empty()) {
    options.label = search::StrategyName(options.search.search.strategy);
  }
  return options;
}

int RunEval(const EvalOptions& eval_options) {
  if (absl::Status threads = SetSamplingThreads(eval_options.search.threads);
      !threads.ok()) {
    std::cerr << "eval: " << threads.message() << "\n";
    return 2;
  }
  absl::StatusOr<SplitProblems> selected =
      LoadSplitProblems(eval_options.split);
  if (!selected.ok()) {
    std::cerr << "eval: " << selected.status().message() << "\n";
    return ExitCodeFor(selected.status());
  }
  std::vector<countdown::Problem>& problems = selected->problems;
  std::string where;
  absl::StatusOr<SolveFunction> solve =
      MakeLabSolveFunction(eval_options.search, &where);
  if (!solve.ok()) {
    std::cerr << "eval: " << solve.status().message() << "\n";
    return 1;
  }
  const std::string& label = eval_options.label;
  const std::string& split_name = selected->split;
  std::cout << "eval " << label << " on " << split_name << " ("
            << problems.size() << " puzzles) with " << where << "\n";
  absl::StatusOr<std::vector<eval::SearchEvalRow>> rows = eval::EvaluateSearch(
      problems, eval_options.search.search, *solve, std::cout);
  if (!rows.ok()) {
    std::cerr << "eval: " << rows.status() << "\n";
    return 1;
  }
  const std::string& dir = eval_options.results_dir;
  std::error_code error;
  std::filesystem::create_directories(dir, error);
  if (error) {
    std::cerr << "eval: --results_dir: cannot create " << dir << "\n";
    return 1;
  }
  const eval::SearchEvalSummary summary =
      eval::Summarize(label, split_name, *rows);
  const std::string summary_csv = dir + "/summary.csv";
  absl::StatusOr<std::vector<eval::SearchEvalSummary>> summaries =
      eval::ReadSummaries(summary_csv);
  if (!summaries.ok()) {
    std::cerr << "eval: " << summaries.status().message() << "\n";
    return 1;
  }
  eval::MergeSummary(*summaries, summary);
  for (absl::Status status :
       {eval::WriteRowsCsv(
            absl::StrCat(dir, "/", label, "-", split_name, ".csv"), *rows),
        eval::WriteSummaries(summary_csv, *summaries),
        io::WriteFileAtomically(dir + "/summary.md",
                                eval::SummaryMarkdown(*summaries)),
        io::WriteFileAtomically(dir + "/summary.svg",
                                eval::SummarySvg(*summaries))}) {
    if (!status.ok()) {
      std::cerr << "eval: " << status.message() << "\n";
      return 1;
    }
  }
  std::cout << eval::SummaryMarkdown({summary}) << "results in " << dir
            << "/ (summary.md, summary.svg, summary.csv)\n";
  return 0;
}

}  // namespace

Command EvalCommand() {
  return MakeCommand<EvalOptions>(
      "eval", "run a split through a search strategy; CSV, table, plot",
      ParseEvalOptions, RunEval);
}

}  // namespace arts::cli
