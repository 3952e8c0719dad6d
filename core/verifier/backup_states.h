#ifndef ARTS_CORE_VERIFIER_BACKUP_STATES_H_
#define ARTS_CORE_VERIFIER_BACKUP_STATES_H_

#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "core/countdown/checker.h"
#include "core/verifier/trace_tree.h"

namespace arts::verifier {

// How a state's flow relates to the flows of all its legal children in the
// full backup (docs/verifier.md, "Full backup over every legal child").
enum class BackupWeights {
  // F(s) = (1/n) sum_c F(s.c) over the n legal steps: the probability that
  // uniform play over legal steps from s ends correct. F stays in (0, 1].
  kUniform,
  // F(s) = sum_c F(s.c): GFlowNet's sum (w = 1), the number of correct
  // completions times the correct leaf's reward. The correct leaf's reward
  // is scaled (BackupOptions::log_reward_correct) so that sums stay below 1,
  // where the network's log sigmoid can reach them.
  kSum,
  // w = pi(c|s), the generator's own flow: F(s) is the probability that the
  // generator ends correct from s. Estimated in probability space from the
  // children the generator sampled in the trees (the K children written
  // under any node with s's trace, repeats kept, illegal ones included):
  // F(s) ~ (1/K) sum_k V(c_k). Unbiased for F, unlike the mean of log F(c_k)
  // (issue 11's objective). Exact pi of every legal child would need the
  // generator's teacher forcing of each head for every state (docs/
  // verifier.md says what that costs).
  kPolicy,
};

// "uniform", "sum" or "policy"; errors list the names.
absl::StatusOr<BackupWeights> ParseBackupWeights(absl::string_view name);
absl::string_view BackupWeightsName(BackupWeights weights);

struct BackupOptions {
  BackupWeights weights = BackupWeights::kUniform;
  // log R of a correct leaf; a wrong leaf or an illegal step gets
  // log_reward_correct + log_epsilon.
  double log_reward_correct = 0;
  double log_epsilon = -12;
  // Also train on every legal child of each tree state with at least three
  // numbers left, so that states one step in are seen in numbers (a tree
  // holds 16 sampled first steps; a four-number root has 48 legal ones).
  // Not with kPolicy: an enumerated child has no sampled children.
  bool enumerate_children = true;
};

// Defaults for `weights`: sum conservation scales the correct reward by
// 1/4096 (a four-number puzzle has at most 3,888 leaves); kPolicy does not
// enumerate children.
BackupOptions DefaultBackupOptions(BackupWeights weights);

// One legal child of a state.
struct BackupChild {
  std::string step;       // the completed step text
  bool leaf = false;      // one number left: its value is its reward
  double log_reward = 0;  // log R at leaves
  double log_weight = 0;  // log w(c | s); -log K for K sampled children
};

// A partial trace to train on. Leaves (terminal, or ending in an illegal
// step) have a known target; any other state is backed up from its children.
struct BackupState {
  std::string problem;
  std::vector<std::string> steps;
  int numbers_left = 0;  // after the steps (1 at a terminal)
  bool leaf = false;
  double leaf_log_reward = 0;
  // Every legal step, or with kPolicy the sampled ones, for non-leaves.
  std::vector<BackupChild> children;
};

// log sum_i exp(values[i]), stable for any magnitudes; -inf when empty.
double LogSumExp(const std::vector<double>& values);

// Every distinct node of the sampled trees as a training state, with its
// legal children (and, with enumerate_children, those children as states
// too); with kPolicy, with its sampled children, and a non-leaf state under
// which the tree sampled nothing is left out. Trees whose problem does not
// parse are skipped.
std::vector<BackupState> MakeBackupStates(const std::vector<TraceTree>& trees,
                                          const BackupOptions& options);

// The exact log F of `state` under the same weights and rewards, by
// enumerating every completion (memoised by the numbers left): the
// supervised ceiling, never the shipped objective's signal. Not for kPolicy
// (the generator's flow is not enumerable from the rules alone).
double ExactLogFlow(const countdown::State& state,
                    const BackupOptions& options);

}  // namespace arts::verifier

#endif  // ARTS_CORE_VERIFIER_BACKUP_STATES_H_
