#ifndef ARTS_CORE_VERIFIER_TREE_COLLECTOR_H_
#define ARTS_CORE_VERIFIER_TREE_COLLECTOR_H_

#include <cstdint>

#include "absl/status/statusor.h"
#include "core/backend/policy.h"
#include "core/countdown/problem.h"
#include "core/verifier/trace_tree.h"

namespace arts::verifier {

struct CollectorOptions {
  int children = 4;  // k candidates sampled per expanded node
  // Breadth: at most this many nodes are expanded per depth, drawn uniformly
  // from the open (valid, non-terminal) nodes; the rest stay unexpanded.
  int max_expanded_per_depth = 16;
  int64_t max_tokens = 0;  // budget of sampled tokens per tree; 0 = none
  backend::SamplingParams sampling;  // seed: the tree's randomness
};

// Samples a tree from the base policy: breadth-first, each expanded node gets
// `children` one-step candidates from `policy`; terminal nodes are rewarded
// by the checker, illegal steps are dead ends with reward 0. Deterministic for
// a seed and a deterministic proposer.
absl::StatusOr<TraceTree> CollectTree(backend::Policy& policy,
                                      const countdown::Problem& problem,
                                      const CollectorOptions& options);

}  // namespace arts::verifier

#endif  // ARTS_CORE_VERIFIER_TREE_COLLECTOR_H_
