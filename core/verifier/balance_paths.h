#ifndef ARTS_CORE_VERIFIER_BALANCE_PATHS_H_
#define ARTS_CORE_VERIFIER_BALANCE_PATHS_H_

#include <string>
#include <vector>

#include "core/verifier/backup_states.h"
#include "core/verifier/trace_tree.h"

namespace arts::verifier {

// One root-to-leaf path that the generator sampled in a tree, as a
// trajectory of the legal-step MDP for (sub-)trajectory balance
// (docs/verifier.md, "Detailed and sub-trajectory balance"). Its states are
// s_0 (the problem alone) .. s_L, one per legal step.
struct BalancePath {
  std::string problem;
  std::vector<std::string> steps;  // s_k is the problem and steps[0..k)
  // The legal steps from s_0 .. s_{L-1}: what the forward policy chooses
  // among at each state of the path.
  std::vector<std::vector<std::string>> legal;
  // s_L is terminal, so its flow is its reward; otherwise (the generator
  // then wrote an illegal step, or stopped) the network gives it.
  bool terminal = false;
  double log_reward = 0;  // log R(s_L), for a terminal path
};

// Every leaf's path of `trees`, repeats kept (they are samples), cut at the
// first illegal step; a path with no legal step is left out. Rewards are
// options' (log_reward_correct, and log_epsilon below it for a wrong
// answer); weights and enumeration do not apply.
std::vector<BalancePath> MakeBalancePaths(const std::vector<TraceTree>& trees,
                                          const BackupOptions& options);

}  // namespace arts::verifier

#endif  // ARTS_CORE_VERIFIER_BALANCE_PATHS_H_
