#include "core/verifier/tree_collector.h"

#include <algorithm>
#include <random>

#include "absl/status/status.h"
#include "core/countdown/checker.h"

namespace arts::verifier {

absl::StatusOr<TraceTree> CollectTree(backend::Policy& policy,
                                      const countdown::Problem& problem,
                                      const CollectorOptions& options) {
  if (options.children < 1 || options.children > backend::kMaxCandidates) {
    return absl::InvalidArgumentError("children: must be 1 to 64");
  }
  if (options.max_expanded_per_depth < 1) {
    return absl::InvalidArgumentError("max_expanded_per_depth: must be >= 1");
  }
  TraceTree tree;
  tree.problem = countdown::FormatProblem(problem);
  tree.nodes.emplace_back();
  std::mt19937_64 rng(options.sampling.seed);
  int64_t tokens = 0;
  uint64_t request_seed = options.sampling.seed;
  std::vector<int> open = {0};
  while (!open.empty()) {
    std::shuffle(open.begin(), open.end(), rng);
    if (static_cast<int>(open.size()) > options.max_expanded_per_depth) {
      open.resize(options.max_expanded_per_depth);
    }
    std::sort(open.begin(), open.end());  // expand in id order
    std::vector<int> next;
    for (int parent : open) {
      if (options.max_tokens > 0 && tokens >= options.max_tokens) {
        return tree;
      }
      backend::ProposeRequest request;
      request.problem = tree.problem;
      request.prefixes = {tree.StepsTo(parent)};
      request.num_candidates = options.children;
      request.max_steps = 1;
      request.sampling = options.sampling;
      request.sampling.seed = ++request_seed;
      std::vector<backend::Candidate> candidates;
      absl::Status status = policy.Propose(
          request, backend::CallContext{},
          [&](backend::Candidate c) { candidates.push_back(std::move(c)); });
      if (!status.ok()) return status;
      // Streams arrive in finishing order; the tree is stored by index.
      std::sort(candidates.begin(), candidates.end(),
                [](const auto& a, const auto& b) { return a.index < b.index; });
      for (backend::Candidate& c : candidates) {
        TreeNode node;
        node.parent = parent;
        node.step = c.steps.empty() ? "" : c.steps.back();
        node.logprob = c.logprob;
        node.num_tokens = c.num_tokens;
        node.valid = c.valid;
        node.terminal = c.valid && c.terminal;
        tokens += c.num_tokens;
        const int id = static_cast<int>(tree.nodes.size());
        tree.nodes[parent].children.push_back(id);
        tree.nodes.push_back(std::move(node));
        if (tree.nodes[id].terminal) {
          // The checker, not the generator, decides the reward.
          tree.nodes[id].reward = countdown::Reward(
              countdown::CheckTrace(problem, tree.StepsTo(id)));
        } else if (tree.nodes[id].valid) {
          next.push_back(id);
        }
      }
    }
    open = std::move(next);
  }
  return tree;
}

}  // namespace arts::verifier
