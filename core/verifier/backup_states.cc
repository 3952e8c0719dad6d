#include "core/verifier/backup_states.h"

#include <algorithm>
#include <cmath>
#include <map>
#include <unordered_map>
#include <utility>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "core/countdown/legal_steps.h"
#include "core/countdown/problem.h"

namespace arts::verifier {
namespace {

double LeafLogReward(const countdown::State& state,
                     const BackupOptions& options) {
  return state.correct() ? options.log_reward_correct
                         : options.log_reward_correct + options.log_epsilon;
}

double LogWeight(size_t children, const BackupOptions& options) {
  return options.weights == BackupWeights::kUniform
             ? -std::log(static_cast<double>(children))
             : 0.0;
}

// A state's children, with their leaf rewards and weights.
std::vector<BackupChild> ChildrenOf(const countdown::State& state,
                                    const BackupOptions& options) {
  std::vector<countdown::LegalStep> legal = countdown::LegalSteps(state);
  std::vector<BackupChild> children;
  children.reserve(legal.size());
  const double log_weight = LogWeight(legal.size(), options);
  for (const countdown::LegalStep& step : legal) {
    BackupChild child;
    child.step = countdown::FormatStep(step.step);
    child.leaf = step.next.terminal();
    child.log_reward = child.leaf ? LeafLogReward(step.next, options) : 0;
    child.log_weight = log_weight;
    children.push_back(std::move(child));
  }
  return children;
}

double ExactLogFlowMemo(const countdown::State& state,
                        const BackupOptions& options,
                        std::unordered_map<std::string, double>& memo) {
  if (state.terminal()) return LeafLogReward(state, options);
  std::vector<countdown::Rational> sorted = state.left;
  std::sort(sorted.begin(), sorted.end());
  const std::string key = countdown::JoinNumbers(sorted);
  if (auto it = memo.find(key); it != memo.end()) return it->second;
  std::vector<countdown::LegalStep> legal = countdown::LegalSteps(state);
  const double log_weight = LogWeight(legal.size(), options);
  std::vector<double> terms;
  terms.reserve(legal.size());
  for (const countdown::LegalStep& step : legal) {
    terms.push_back(log_weight + ExactLogFlowMemo(step.next, options, memo));
  }
  // A state with no legal step (every pair overflows) is a dead end.
  const double value = terms.empty()
                           ? options.log_reward_correct + options.log_epsilon
                           : LogSumExp(terms);
  memo.emplace(key, value);
  return value;
}

}  // namespace

double LogSumExp(const std::vector<double>& values) {
  double top = -INFINITY;
  for (double v : values) top = std::max(top, v);
  if (!std::isfinite(top)) return top;
  double sum = 0;
  for (double v : values) sum += std::exp(v - top);
  return top + std::log(sum);
}

absl::StatusOr<BackupWeights> ParseBackupWeights(absl::string_view name) {
  if (name == "uniform") return BackupWeights::kUniform;
  if (name == "sum") return BackupWeights::kSum;
  if (name == "policy") return BackupWeights::kPolicy;
  return absl::InvalidArgumentError(
      absl::StrCat("expected uniform, sum or policy, got '", name, "'"));
}

absl::string_view BackupWeightsName(BackupWeights weights) {
  switch (weights) {
    case BackupWeights::kUniform:
      return "uniform";
    case BackupWeights::kSum:
      return "sum";
    case BackupWeights::kPolicy:
      return "policy";
  }
  return "uniform";
}

BackupOptions DefaultBackupOptions(BackupWeights weights) {
  BackupOptions options;
  options.weights = weights;
  if (weights == BackupWeights::kSum)
    options.log_reward_correct = -std::log(4096.0);
  if (weights == BackupWeights::kPolicy) options.enumerate_children = false;
  return options;
}

std::vector<BackupState> MakeBackupStates(const std::vector<TraceTree>& trees,
                                          const BackupOptions& options) {
  const double floor = options.log_reward_correct + options.log_epsilon;
  const bool sampled = options.weights == BackupWeights::kPolicy;
  std::vector<BackupState> states;
  for (const TraceTree& tree : trees) {
    absl::StatusOr<countdown::Problem> problem =
        countdown::ParseProblem(tree.problem);
    if (!problem.ok()) continue;
    // The state of each distinct trace, by its steps' text.
    std::map<std::string, size_t> seen;
    // Adds a state once; returns its index and whether it was new.
    auto add = [&](const std::vector<std::string>& steps) {
      auto [it, added] =
          seen.emplace(absl::StrJoin(steps, "\n"), states.size());
      if (!added) return std::make_pair(it->second, false);
      const countdown::TraceVerdict verdict =
          countdown::CheckTrace(*problem, steps);
      BackupState state;
      state.problem = tree.problem;
      state.steps = steps;
      state.numbers_left = static_cast<int>(verdict.state.left.size());
      state.leaf = !verdict.valid || verdict.terminal;
      if (state.leaf) {
        state.leaf_log_reward =
            verdict.valid ? LeafLogReward(verdict.state, options) : floor;
      } else if (!sampled) {
        state.children = ChildrenOf(verdict.state, options);
        if (state.children.empty()) {  // every pair overflows: a dead end
          state.leaf = true;
          state.leaf_log_reward = floor;
        }
      }
      states.push_back(std::move(state));
      return std::make_pair(states.size() - 1, true);
    };
    const size_t first = states.size();
    // The tree's own nodes first, then (legal children) the legal children
    // of those with at least three numbers left, or (sampled children) each
    // node's sampled children under its trace's state.
    std::vector<size_t> to_expand;
    for (size_t i = 0; i < tree.nodes.size(); ++i) {
      std::vector<std::string> steps = tree.StepsTo(static_cast<int>(i));
      const auto [index, added] = add(steps);
      if (sampled) {
        if (states[index].leaf) continue;
        for (int c : tree.nodes[i].children) {
          steps.push_back(tree.nodes[c].step);
          const countdown::TraceVerdict verdict =
              countdown::CheckTrace(*problem, steps);
          steps.pop_back();
          BackupChild child;
          child.step = tree.nodes[c].step;
          child.leaf = !verdict.valid || verdict.terminal;
          if (child.leaf) {
            child.log_reward =
                verdict.valid ? LeafLogReward(verdict.state, options) : floor;
          }
          states[index].children.push_back(std::move(child));
        }
        continue;
      }
      if (added && options.enumerate_children && !states[index].leaf &&
          states[index].numbers_left >= 3) {
        to_expand.push_back(index);
      }
    }
    for (size_t index : to_expand) {
      std::vector<std::string> steps = states[index].steps;
      std::vector<std::string> children;
      for (const BackupChild& child : states[index].children) {
        children.push_back(child.step);
      }
      for (const std::string& child : children) {
        steps.push_back(child);
        add(steps);
        steps.pop_back();
      }
    }
    if (!sampled) continue;
    // The mean over the K children sampled under a trace; a trace under
    // which nothing was sampled has no target.
    size_t kept = first;
    for (size_t i = first; i < states.size(); ++i) {
      BackupState& state = states[i];
      if (!state.leaf && state.children.empty()) continue;
      const double log_weight = -std::log(
          static_cast<double>(std::max<size_t>(1, state.children.size())));
      for (BackupChild& child : state.children) child.log_weight = log_weight;
      if (kept != i) states[kept] = std::move(state);
      ++kept;
    }
    states.resize(kept);
  }
  return states;
}

double ExactLogFlow(const countdown::State& state,
                    const BackupOptions& options) {
  std::unordered_map<std::string, double> memo;
  return ExactLogFlowMemo(state, options, memo);
}

}  // namespace arts::verifier
