// Hand-built trace-tree nodes for the verifier tests.
#ifndef ARTS_TESTS_TREE_NODES_H_
#define ARTS_TESTS_TREE_NODES_H_

#include <string>

#include "core/verifier/trace_tree.h"

namespace arts::testing_support {

// A node under `parent` (-1 for the root) with `step` as written; rewards
// are the checker's (1 = correct) at terminal nodes.
inline verifier::TreeNode TreeNodeOf(int parent, const std::string& step,
                                     bool terminal = false, double reward = 0,
                                     bool valid = true) {
  verifier::TreeNode node;
  node.parent = parent;
  node.step = step;
  node.terminal = terminal;
  node.reward = reward;
  node.valid = valid;
  return node;
}

}  // namespace arts::testing_support

#endif  // ARTS_TESTS_TREE_NODES_H_
