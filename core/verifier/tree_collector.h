#ifndef ARTS_CORE_VERIFIER_TREE_COLLECTOR_H_
#define ARTS_CORE_VERIFIER_TREE_COLLECTOR_H_

#include <cstdint>
#include <functional>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "core/backend/policy.h"
#include "core/countdown/problem.h"
#include "core/verifier/trace_tree.h"

namespace arts::verifier {

struct CollectorOptions {
  int children = 4;  // k candidates sampled per expanded node
  // When set, depth d's nodes get children_by_depth[min(d, size - 1)]
  // candidates each, and each depth is sampled in as few generator calls as
  // the call limits allow (`children` is then unused). E.g. {16, 4, 1}: 16
  // first steps, 4 second steps under each, then one rollout to the end
  // under each of those: 4 Monte Carlo trajectories per one-step state.
  std::vector<int> children_by_depth;
  // Breadth: at most this many nodes are expanded per depth, drawn uniformly
  // from the open (valid, non-terminal) nodes; the rest stay unexpanded.
  int max_expanded_per_depth = 16;
  int64_t max_tokens = 0;  // budget of sampled tokens per tree; 0 = none
  // Forking, as the ARTS paper collects its trees: once the tree is sampled,
  // `forks` open or expanded intermediate nodes (valid, not terminal, not the
  // root) are drawn uniformly and each gets `fork_rollouts` more trajectories
  // sampled one step at a time to the end. They tighten the Monte Carlo
  // estimate of the states the policy visits most.
  int forks = 0;
  int fork_rollouts = 4;
  backend::SamplingParams sampling;  // seed: the tree's randomness
};

// The reward of a terminal candidate (1 correct, 0 wrong), given the steps
// from the root through it. An error stops the collection.
using LeafReward = std::function<absl::StatusOr<double>(
    const std::vector<std::string>& steps, const backend::Candidate& leaf)>;

// A problem to collect a tree for: the task the generator is asked for, the
// problem's text, and how its complete traces are rewarded.
struct TreeProblem {
  std::string task;
  std::string problem;
  LeafReward reward;
};

// Countdown's: rewarded by the checker.
TreeProblem CountdownTreeProblem(const countdown::Problem& problem);
// Rewarded by a reference answer: 1 when the leaf's final answer equals
// `answer` after `normalize` (the task's normal form), else 0 (no answer:
// 0).
TreeProblem ReferenceAnswerTreeProblem(
    const std::string& task, const std::string& problem,
    const std::string& answer,
    std::function<std::string(absl::string_view)> normalize);

// Samples a tree from the base policy: breadth-first, each expanded node gets
// `children` one-step candidates from `policy`; terminal nodes are rewarded
// by the problem's reward, illegal steps are dead ends with reward 0.
// Deterministic for a seed and a deterministic policy.
absl::StatusOr<TraceTree> CollectTree(backend::Policy& policy,
                                      const TreeProblem& problem,
                                      const CollectorOptions& options);
// The same for a Countdown problem (CountdownTreeProblem).
absl::StatusOr<TraceTree> CollectTree(backend::Policy& policy,
                                      const countdown::Problem& problem,
                                      const CollectorOptions& options);

}  // namespace arts::verifier

#endif  // ARTS_CORE_VERIFIER_TREE_COLLECTOR_H_
