#ifndef ARTS_CORE_VERIFIER_TRACE_TREE_H_
#define ARTS_CORE_VERIFIER_TRACE_TREE_H_

#include <istream>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "core/countdown/problem.h"

namespace arts::verifier {

// One node of a sampled trace tree: the partial trace of its parent plus one
// step. Node 0 is the root, the problem alone.
struct TreeNode {
  int parent = -1;        // -1 for the root
  std::string step;       // empty for the root; the raw text if invalid
  double logprob = 0;     // log pi(step | parent's trace), model tokens only
  int num_tokens = 0;     // tokens the model sampled for the step
  bool valid = true;      // false: the step is illegal, a dead end
  bool terminal = false;  // one number left
  double reward = 0;      // reward at terminal nodes (1 = correct)
  std::string answer;     // a terminal node's final answer, if it gave one
  std::vector<int> children;

  // A leaf whose reward is known: terminal, or an illegal step (reward 0).
  bool rewarded() const { return terminal || !valid; }
};

// A tree of partial traces sampled from the base policy for one problem.
struct TraceTree {
  std::string task = countdown::kTaskName;
  std::string problem;
  std::vector<TreeNode> nodes;

  // The steps from the root to `node` (the root gives none).
  std::vector<std::string> StepsTo(int node) const;
  // Checks parent/child links, ids and that the root is node 0.
  absl::Status Validate() const;
};

// Two file formats (docs/formats.md). The text format, Countdown's: a
// header line, then per tree a `tree` line, one line per node, and an `end`
// line; tab-separated fields. JSON Lines, any task's: one tree per line,
// {"format": "arts-trace-tree", "version": 1, "task", "problem", "nodes":
// [{"parent", "step", "logprob", "tokens", "valid", "terminal", "reward",
// "answer"}, ...]}, which a user can also write from their own logs.
// Files are written atomically (PATH.tmp, then renamed).
inline constexpr char kTreeFileHeader[] = "# arts-trace-trees v1";
inline constexpr char kTreeJsonFormat[] = "arts-trace-tree";
inline constexpr int kTreeJsonVersion = 1;

// Whether `path` names a JSON Lines tree file (it ends in .jsonl).
bool IsJsonLinesPath(absl::string_view path);

// JSON Lines for a .jsonl path, else the text format (Countdown trees only).
absl::Status WriteTreeFile(const std::string& path,
                           const std::vector<TraceTree>& trees);
// Either format, told by the first character. Errors name the file and
// line.
absl::StatusOr<std::vector<TraceTree>> ReadTreeFile(const std::string& path);
// The same from a stream of the file's text; `path` names it in errors.
absl::StatusOr<std::vector<TraceTree>> ParseTreeFile(const std::string& path,
                                                     std::istream& in);

}  // namespace arts::verifier

#endif  // ARTS_CORE_VERIFIER_TRACE_TREE_H_
