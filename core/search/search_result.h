#ifndef ARTS_CORE_SEARCH_SEARCH_RESULT_H_
#define ARTS_CORE_SEARCH_SEARCH_RESULT_H_

#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <vector>

namespace arts::search {

// What a search spent: the cost receipt returned with every answer.
struct CostReceipt {
  int64_t tokens_generated = 0;  // sampled by the generator
  int64_t generator_calls = 0;
  int64_t verifier_calls = 0;
  int64_t traces_scored = 0;
  int64_t expansions = 0;  // nodes whose continuations were sampled
  double wall_seconds = 0;
  // Where the backend calls' time went, summed over the calls (which run
  // side by side, so the sums may exceed wall_seconds): waiting in the
  // backends' queues, and computing in their batches. Only what backends
  // report (docs/bring_your_own.md); 0 from one that does not.
  double generator_queue_seconds = 0;
  double generator_compute_seconds = 0;
  double verifier_queue_seconds = 0;
  double verifier_compute_seconds = 0;
};

// Whether an answer passes the task's own check (task::Task::CheckAnswer).
enum class Check {
  kUnknown,  // the task cannot check (`text`)
  kPassed,
  kFailed,
};

// One complete (or, when a budget ran out, the best partial) trace.
struct Answer {
  std::vector<std::string> steps;
  std::string final_value;  // the number left at the end; empty if partial
  bool terminal = false;
  // The ranking score: the aggregated log F of the trace, or its log pi
  // when the search ran unverified.
  double score = 0;
  std::vector<double> step_log_flows;  // entry 0 the problem alone
  double logprob = 0;                  // log pi of the steps under the base
  // Vote strategies: the traces that reached this answer and their weight
  // (count for majority, sum of F for weighted).
  int votes = 0;
  double vote_weight = 0;
  // What the task's check says of the trace. Said, never used: the ranking
  // is the score's alone, as when no checker exists (../shared/BRIEF.md §3).
  Check check = Check::kUnknown;
};

// The tree a search grew (search_tree.h records it; docs/formats.md,
// "Search trees", is its file format).
inline constexpr int kSearchTreeVersion = 1;

// How a node ended, or that it has not.
enum class NodeState {
  kOpen,      // still in the search
  kExpanded,  // its children were drawn (at least once)
  kAnswer,    // a complete trace
  kInvalid,   // its last step broke the task's rules (or the generator said so)
  kDead,      // never expanded: the verifier gave it no chance (F = 0)
  kBudget,    // never expanded: the search's budget ran out first
  kBeaten,    // never expanded: the search preferred other nodes and ended
};
std::string NodeStateName(NodeState state);

struct TreeNode {
  int id = 0;
  int parent = -1;                 // -1: the root (the problem alone)
  std::vector<std::string> steps;  // the steps it adds to its parent's
  double logprob = 0;              // log pi of those steps given the parent
  int64_t tokens = 0;  // tokens the generator sampled to draw it, every draw
  int draws = 0;       // times the generator drew it (repeats included)
  bool valid = true;
  bool terminal = false;
  std::string answer;              // when terminal
  std::optional<double> log_flow;  // once scored
  int expansions = 0;              // times its children were drawn
  NodeState state = NodeState::kOpen;
  Check check = Check::kUnknown;  // answers: the task's check
  int answer_rank = 0;            // 1: the best answer returned; 0: none
};

struct SearchTree {
  int version = kSearchTreeVersion;
  std::string problem;
  std::string strategy;
  std::string stop_reason;
  CostReceipt cost;
  std::vector<TreeNode> nodes;  // by id; nodes[0] is the root
};

// One change to the tree, with the node as it is after it.
enum class TreeChange { kCreated, kDrawnAgain, kScored, kExpanded, kClosed };
std::string TreeChangeName(TreeChange change);
struct TreeUpdate {
  TreeChange change = TreeChange::kCreated;
  TreeNode node;
};

struct SearchResult {
  std::vector<Answer> answers;  // best first, at most top_n
  CostReceipt cost;
  bool verified = true;     // false: the verifier was down, ranked by pi
  std::string stop_reason;  // "done", "token budget", "expansion budget",
                            // "answers found", "frontier empty"
  // The whole tree, when the options asked for it (trace_tree).
  std::optional<SearchTree> tree;
};

// Progress during a search, for streaming.
struct SearchEvent {
  enum class Kind { kExpansion, kBestSoFar, kTree };
  Kind kind = Kind::kExpansion;
  CostReceipt cost;  // so far
  int frontier = 0;  // open nodes waiting (tree searches)
  Answer best;       // kBestSoFar: the new best complete trace
  // kTree (only when the options ask for the tree): the changes one step
  // of the search made to it, in order (a round's new children, their
  // scores, the next expansions, the closing).
  std::vector<TreeUpdate> tree;
};

using EventSink = std::function<void(const SearchEvent&)>;

}  // namespace arts::search

#endif  // ARTS_CORE_SEARCH_SEARCH_RESULT_H_
