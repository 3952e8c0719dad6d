#ifndef ARTS_CORE_EVAL_TREE_AUC_H_
#define ARTS_CORE_EVAL_TREE_AUC_H_

#include <cstdint>
#include <vector>

#include "absl/status/statusor.h"
#include "core/verifier/flow_verifier.h"
#include "core/verifier/trace_tree.h"

namespace arts::eval {

// How well a verifier ranks the partial traces of trees it was not trained
// on, by depth: the AUC of its log F for telling the nodes under which the
// tree reached a correct answer (positives) from those under which every
// sampled trace failed (negatives). Only valid, non-terminal nodes with at
// least `min_leaves` rewarded traces under them count, so that a negative
// is a state the policy failed from `min_leaves` times or more; for any
// task with a reward, checked or by reference answer (docs/verifier.md).
struct DepthAuc {
  int depth = 0;
  double auc = 0;  // NaN without both classes
  int64_t positives = 0;
  int64_t negatives = 0;
};

absl::StatusOr<std::vector<DepthAuc>> TreeAucByDepth(
    const verifier::FlowVerifier& verifier,
    const std::vector<verifier::TraceTree>& trees, int max_depth,
    int min_leaves);

}  // namespace arts::eval

#endif  // ARTS_CORE_EVAL_TREE_AUC_H_
