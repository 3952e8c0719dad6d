#include "core/verifier/tree_collector.h"

#include <algorithm>
#include <map>
#include <random>

#include "absl/status/status.h"
#include "absl/strings/str_cat.h"
#include "core/countdown/checker.h"
#include "core/countdown/problem.h"

namespace arts::verifier {
namespace {

// Appends the candidates sampled under `parent` (sorted by index, since
// streams arrive in finishing order) and returns the new open nodes: legal
// and not terminal. Terminal nodes are rewarded by the problem's reward
// (the checker, reference answers), never by the generator.
absl::StatusOr<std::vector<int>> AddChildren(
    TraceTree& tree, const TreeProblem& problem, int parent,
    std::vector<backend::Candidate> candidates, int64_t& tokens) {
  std::sort(candidates.begin(), candidates.end(),
            [](const auto& a, const auto& b) { return a.index < b.index; });
  std::vector<int> open;
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
      tree.nodes[id].answer = c.final_answer;
      absl::StatusOr<double> reward = problem.reward(tree.StepsTo(id), c);
      if (!reward.ok()) return reward.status();
      tree.nodes[id].reward = *reward;
    } else if (tree.nodes[id].valid) {
      open.push_back(id);
    }
  }
  return open;
}

// Keeps at most `breadth` of `open`, drawn uniformly, in id order.
void KeepBreadth(std::vector<int>& open, int breadth, std::mt19937_64& rng) {
  std::shuffle(open.begin(), open.end(), rng);
  if (static_cast<int>(open.size()) > breadth) open.resize(breadth);
  std::sort(open.begin(), open.end());
}

// The original collector: one parent per generator call, in id order, so
// that the bundled verifiers' trees stay reproducible.
absl::StatusOr<TraceTree> CollectOneParentPerCall(
    backend::Policy& policy, const TreeProblem& problem,
    const CollectorOptions& options) {
  TraceTree tree;
  tree.task = problem.task;
  tree.problem = problem.problem;
  tree.nodes.emplace_back();
  std::mt19937_64 rng(options.sampling.seed);
  int64_t tokens = 0;
  uint64_t request_seed = options.sampling.seed;
  std::vector<int> open = {0};
  while (!open.empty()) {
    KeepBreadth(open, options.max_expanded_per_depth, rng);
    std::vector<int> next;
    for (int parent : open) {
      if (options.max_tokens > 0 && tokens >= options.max_tokens) {
        return tree;
      }
      backend::ProposeRequest request;
      request.task = tree.task;
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
      absl::StatusOr<std::vector<int>> children =
          AddChildren(tree, problem, parent, std::move(candidates), tokens);
      if (!children.ok()) return children.status();
      next.insert(next.end(), children->begin(), children->end());
    }
    open = std::move(next);
  }
  return tree;
}

// A node to expand with `k` candidates; the children of a rollout are
// rollouts (one candidate each) until the trace ends.
struct Expansion {
  int node = 0;
  int k = 1;
  bool rollout = false;
};

// Batched sampling: a depth's expansions go to the generator in as few calls
// as kMaxPrefixes and kMaxRowsPerCall allow, grouped by k.
class BatchedCollector {
 public:
  BatchedCollector(backend::Policy& policy, const TreeProblem& problem,
                   const CollectorOptions& options)
      : policy_(policy),
        problem_(problem),
        options_(options),
        rng_(options.sampling.seed),
        request_seed_(options.sampling.seed) {
    tree_.task = problem.task;
    tree_.problem = problem.problem;
    tree_.nodes.emplace_back();
  }

  absl::StatusOr<TraceTree> Collect() {
    std::vector<int> open = {0};
    for (int depth = 0; !open.empty() && !OutOfTokens(); ++depth) {
      KeepBreadth(open, options_.max_expanded_per_depth, rng_);
      std::vector<Expansion> level;
      for (int node : open) level.push_back({node, ChildrenAt(depth), false});
      absl::StatusOr<std::vector<Expansion>> next = ExpandLevel(level);
      if (!next.ok()) return next.status();
      open.clear();
      for (const Expansion& e : *next) open.push_back(e.node);
    }
    if (absl::Status forked = Fork(); !forked.ok()) return forked;
    return std::move(tree_);
  }

 private:
  int ChildrenAt(int depth) const {
    const auto& by_depth = options_.children_by_depth;
    return by_depth[std::min<size_t>(depth, by_depth.size() - 1)];
  }

  bool OutOfTokens() const {
    return options_.max_tokens > 0 && tokens_ >= options_.max_tokens;
  }

  // Draws the fork points and rolls each out `fork_rollouts` times.
  absl::Status Fork() {
    std::vector<int> inner;
    for (int id = 1; id < static_cast<int>(tree_.nodes.size()); ++id) {
      if (tree_.nodes[id].valid && !tree_.nodes[id].terminal) {
        inner.push_back(id);
      }
    }
    KeepBreadth(inner, options_.forks, rng_);
    std::vector<Expansion> level;
    for (int node : inner)
      level.push_back({node, options_.fork_rollouts, true});
    while (!level.empty() && !OutOfTokens()) {
      absl::StatusOr<std::vector<Expansion>> next = ExpandLevel(level);
      if (!next.ok()) return next.status();
      level = *std::move(next);
    }
    return absl::OkStatus();
  }

  // Samples every expansion of `level`; returns the new open nodes, each to
  // be continued by one rollout step if its parent was a rollout.
  absl::StatusOr<std::vector<Expansion>> ExpandLevel(
      const std::vector<Expansion>& level) {
    std::map<int, std::vector<const Expansion*>> by_k;
    for (const Expansion& e : level) by_k[e.k].push_back(&e);
    std::map<int, std::vector<backend::Candidate>> sampled;  // by node
    for (const auto& entry : by_k) {
      // Not a structured binding: C++17 lambdas cannot capture those.
      const int k = entry.first;
      const auto& group = entry.second;
      const size_t per_call = static_cast<size_t>(std::max(
          1, std::min(backend::kMaxPrefixes, backend::kMaxRowsPerCall / k)));
      for (size_t first = 0; first < group.size(); first += per_call) {
        const size_t last = std::min(group.size(), first + per_call);
        backend::ProposeRequest request;
        request.task = tree_.task;
        request.problem = tree_.problem;
        for (size_t i = first; i < last; ++i) {
          request.prefixes.push_back(tree_.StepsTo(group[i]->node));
        }
        request.num_candidates = k;
        request.max_steps = 1;
        request.sampling = options_.sampling;
        request.sampling.seed = ++request_seed_;
        absl::Status status = policy_.Propose(
            request, backend::CallContext{}, [&](backend::Candidate c) {
              const int node = group[first + c.prefix_index]->node;
              sampled[node].push_back(std::move(c));
            });
        if (!status.ok()) return status;
      }
    }
    std::vector<Expansion> next;
    for (const Expansion& e : level) {
      absl::StatusOr<std::vector<int>> children = AddChildren(
          tree_, problem_, e.node, std::move(sampled[e.node]), tokens_);
      if (!children.ok()) return children.status();
      for (int id : *children) next.push_back({id, 1, e.rollout});
    }
    return next;
  }

  backend::Policy& policy_;
  const TreeProblem& problem_;
  const CollectorOptions& options_;
  TraceTree tree_;
  std::mt19937_64 rng_;
  uint64_t request_seed_;
  int64_t tokens_ = 0;
};

}  // namespace

TreeProblem CountdownTreeProblem(const countdown::Problem& problem) {
  TreeProblem out;
  out.task = countdown::kTaskName;
  out.problem = countdown::FormatProblem(problem);
  out.reward = [problem](const std::vector<std::string>& steps,
                         const backend::Candidate&) -> absl::StatusOr<double> {
    return countdown::Reward(countdown::CheckTrace(problem, steps));
  };
  return out;
}

TreeProblem ReferenceAnswerTreeProblem(
    const std::string& task, const std::string& problem,
    const std::string& answer,
    std::function<std::string(absl::string_view)> normalize) {
  TreeProblem out;
  out.task = task;
  out.problem = problem;
  out.reward = [want = normalize(answer), normalize](
                   const std::vector<std::string>&,
                   const backend::Candidate& c) -> absl::StatusOr<double> {
    if (c.final_answer.empty()) return 0.0;
    return normalize(c.final_answer) == want ? 1.0 : 0.0;
  };
  return out;
}

absl::StatusOr<TraceTree> CollectTree(backend::Policy& policy,
                                      const countdown::Problem& problem,
                                      const CollectorOptions& options) {
  return CollectTree(policy, CountdownTreeProblem(problem), options);
}

absl::StatusOr<TraceTree> CollectTree(backend::Policy& policy,
                                      const TreeProblem& problem,
                                      const CollectorOptions& options) {
  if (options.children < 1 || options.children > backend::kMaxCandidates) {
    return absl::InvalidArgumentError("children: must be 1 to 64");
  }
  for (int k : options.children_by_depth) {
    if (k < 1 || k > backend::kMaxCandidates) {
      return absl::InvalidArgumentError(
          absl::StrCat("children_by_depth: each must be 1 to 64, got ", k));
    }
  }
  if (options.max_expanded_per_depth < 1) {
    return absl::InvalidArgumentError("max_expanded_per_depth: must be >= 1");
  }
  if (options.forks < 0 || options.fork_rollouts < 1 ||
      options.fork_rollouts > backend::kMaxCandidates) {
    return absl::InvalidArgumentError(
        "forks: must be >= 0, with fork_rollouts 1 to 64");
  }
  if (options.children_by_depth.empty() && options.forks == 0) {
    return CollectOneParentPerCall(policy, problem, options);
  }
  CollectorOptions batched = options;
  if (batched.children_by_depth.empty()) {
    batched.children_by_depth = {options.children};
  }
  return BatchedCollector(policy, problem, batched).Collect();
}

}  // namespace arts::verifier
