// The tree a search grows (SearchTree, search_result.h), recorded as it
// grows: every node a generator
// drew, what the verifier said of it, whether it was expanded, and how it
// ended. Recorded by the search's driver (SearchRun) from the plan's steps,
// so every strategy gets one without a line of its own: best-of-N and the
// votes are trees of depth one (whole traces under the root), beam search
// and DVTS trees of steps, arts its own frontier's tree. The format is
// docs/formats.md's "Search trees".
#ifndef ARTS_CORE_SEARCH_SEARCH_TREE_H_
#define ARTS_CORE_SEARCH_SEARCH_TREE_H_

#include <cstdint>
#include <functional>
#include <map>
#include <string>
#include <vector>

#include "core/search/node.h"
#include "core/search/search_result.h"

namespace arts::search {

// Told the changes to the tree as they happen: those of one step of the
// search at a time, in order.
using TreeSink = std::function<void(std::vector<TreeUpdate>)>;

// Builds the tree from a search's steps. Nodes are identified by their
// steps: a child drawn again is the same node, drawn once more (its tokens
// added), so the nodes' tokens add up to every token the search sampled.
class TreeRecorder {
 public:
  // The task's check of a complete trace's steps.
  using CheckSteps = std::function<Check(const std::vector<std::string>&)>;
  // `sink` (may be empty) is told every change as it happens.
  TreeRecorder(std::string problem, std::string strategy, CheckSteps check,
               TreeSink sink);

  // `parents` were expanded (one expansion each).
  void Expanded(const std::vector<const Node*>& parents);
  // Their children came back, by parent (with the tokens each took).
  void Drawn(const std::vector<const Node*>& parents,
             const std::vector<std::vector<Node>>& children);
  // These nodes hold their scores now.
  void Scored(const std::vector<Node*>& nodes);
  // The search ended: every node still open is closed with its reason, the
  // answers returned are ranked, and the whole tree is returned.
  SearchTree Finish(const SearchResult& result);

 private:
  int IdOf(const std::vector<std::string>& steps) const;
  // Notes a change; Flush tells the sink the step's changes at once.
  void Tell(TreeChange change, const TreeNode& node);
  void Flush();

  SearchTree tree_;
  std::map<std::vector<std::string>, int> ids_;
  CheckSteps check_;
  TreeSink sink_;
  std::vector<TreeUpdate> pending_;
};

}  // namespace arts::search

#endif  // ARTS_CORE_SEARCH_SEARCH_TREE_H_
