#include "core/verifier/backup_states.h"

#include <algorithm>
#include <cmath>
#include <set>
#include <unordered_map>
#include <utility>

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

BackupOptions DefaultBackupOptions(BackupWeights weights) {
  BackupOptions options;
  options.weights = weights;
  if (weights == BackupWeights::kSum)
    options.log_reward_correct = -std::log(4096.0);
  return options;
}

std::vector<BackupState> MakeBackupStates(const std::vector<TraceTree>& trees,
                                          const BackupOptions& options) {
  std::vector<BackupState> states;
  for (const TraceTree& tree : trees) {
    absl::StatusOr<countdown::Problem> problem =
        countdown::ParseProblem(tree.problem);
    if (!problem.ok()) continue;
    std::set<std::string> seen;
    // Adds a state once; returns whether it was new.
    auto add = [&](const std::vector<std::string>& steps) {
      if (!seen.insert(absl::StrJoin(steps, "\n")).second) return false;
      const countdown::TraceVerdict verdict =
          countdown::CheckTrace(*problem, steps);
      BackupState state;
      state.problem = tree.problem;
      state.steps = steps;
      state.numbers_left = static_cast<int>(verdict.state.left.size());
      state.leaf = !verdict.valid || verdict.terminal;
      if (state.leaf) {
        state.leaf_log_reward =
            verdict.valid ? LeafLogReward(verdict.state, options)
                          : options.log_reward_correct + options.log_epsilon;
      } else {
        state.children = ChildrenOf(verdict.state, options);
        if (state.children.empty()) {  // every pair overflows: a dead end
          state.leaf = true;
          state.leaf_log_reward =
              options.log_reward_correct + options.log_epsilon;
        }
      }
      states.push_back(std::move(state));
      return true;
    };
    // The tree's own nodes first, then the legal children of those with at
    // least three numbers left.
    std::vector<size_t> to_expand;
    for (size_t i = 0; i < tree.nodes.size(); ++i) {
      if (!add(tree.StepsTo(static_cast<int>(i)))) continue;
      const BackupState& added = states.back();
      if (options.enumerate_children && !added.leaf &&
          added.numbers_left >= 3) {
        to_expand.push_back(states.size() - 1);
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
  }
  return states;
}

double ExactLogFlow(const countdown::State& state,
                    const BackupOptions& options) {
  std::unordered_map<std::string, double> memo;
  return ExactLogFlowMemo(state, options, memo);
}

}  // namespace arts::verifier
