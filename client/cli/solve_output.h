// How `arts solve` and `arts-lab solve` print a search's result: each answer
// with its score, what the task's check says of it, and the cost receipt.
#ifndef ARTS_CLIENT_CLI_SOLVE_OUTPUT_H_
#define ARTS_CLIENT_CLI_SOLVE_OUTPUT_H_

#include <string>
#include <vector>

#include "absl/status/status.h"
#include "client/cli/flag_reader.h"
#include "client/cli/search_flags.h"
#include "core/search/search_options.h"
#include "core/search/search_result.h"

namespace arts::cli {

// The target of a Countdown problem, for telling the user what a failing
// answer missed; "" for other tasks.
std::string TargetOf(const std::string& task, const std::string& problem);

// What the task's own check says of an answer (empty when the task cannot
// check), so that a wrong answer is never shown as if it were fine.
std::string CheckNote(search::Check check, const std::string& target);

void PrintResult(const std::string& problem, const std::string& target,
                 const search::SearchResult& result);

// What a solve command solves: --problem, or with --problems_file the
// problems of that file, each compared with its reference answer.
struct SolveProblems {
  std::vector<std::string> problems;
  std::string problems_file;  // "": solve `problems`
  std::string tree_out;       // --tree_out: where the search trees go
};
SolveProblems ReadSolveProblems(FlagReader& flags);
// INVALID_ARGUMENT when --tree_out is set with --problems_file.
absl::Status CheckTreeOut(const SolveProblems& problems);

// Writes --tree_out as searches end (docs/formats.md, "Search trees"): for
// one problem its tree as one indented JSON object, for several one tree
// per line. The file is rewritten whole after each search.
class TreeWriter {
 public:
  // `path` empty: writes nothing.
  TreeWriter(std::string path, size_t problems);
  absl::Status Add(const search::SearchResult& result);

 private:
  std::string path_;
  bool one_;
  std::string text_;
};

// Solves each of `problems` with `solve` and prints each result. The exit
// code: 0; 2 for a problems file that cannot be read (the error names the
// file, the line and the field); with --problem, 1 at the first problem
// that fails (said on stderr); with --problems_file, every problem is
// solved, one that fails is reported with its line and counted in the
// summary, and the exit code is then 1.
int SolveEach(const SolveFunction& solve, const search::SearchOptions& options,
              const SolveProblems& problems);

}  // namespace arts::cli

#endif  // ARTS_CLIENT_CLI_SOLVE_OUTPUT_H_
