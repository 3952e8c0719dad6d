// best_of_n, weighted_vote, majority_vote and the unverified fallback: all
// rank N complete samples from the root and differ only in how.
#include <algorithm>
#include <cmath>
#include <map>

#include "core/search/strategies.h"

namespace arts::search {
namespace {

// N complete traces from the root, in one generator call where N splits
// evenly into prefixes of at most kMaxProposals candidates (the root
// repeated: the generator samples each copy independently), else in two.
// Stops early when a budget is spent.
absl::StatusOr<std::vector<Node>> SampleComplete(SearchContext& context,
                                                 std::string& stop_reason) {
  const int n = context.options().n;
  const Node root;
  std::vector<Node> samples;
  while (static_cast<int>(samples.size()) < n) {
    stop_reason = context.SpentBudget();
    if (!stop_reason.empty()) break;
    const int missing = n - static_cast<int>(samples.size());
    // Each copy of the root is one expansion: no more than the budget has.
    const int copies = context.AffordableExpansions(
        (missing + kMaxProposals - 1) / kMaxProposals);
    const int count = std::min(kMaxProposals, missing / copies);
    absl::StatusOr<std::vector<std::vector<Node>>> batch = context.Expand(
        std::vector<const Node*>(copies, &root), count, /*to_the_end=*/true);
    if (!batch.ok()) return batch.status();
    for (std::vector<Node>& group : *batch) {
      for (Node& node : group) samples.push_back(std::move(node));
    }
  }
  if (stop_reason.empty()) stop_reason = "done";
  context.ReportExpansion(0);
  return samples;
}

// The N samples, scored when `verified`, and the complete ones as answers.
absl::StatusOr<StrategyOutcome> RankSamples(SearchContext& context,
                                            bool verified) {
  StrategyOutcome outcome;
  absl::StatusOr<std::vector<Node>> samples =
      SampleComplete(context, outcome.stop_reason);
  if (!samples.ok()) return samples.status();
  if (verified) {
    absl::Status scored = context.Score(Pointers(*samples));
    if (!scored.ok()) return scored;
  }
  for (const Node& node : *samples) {
    if (node.terminal) AddAnswer(context, node, outcome);
  }
  return outcome;
}

}  // namespace

absl::StatusOr<StrategyOutcome> RunBestOfN(SearchContext& context) {
  return RankSamples(context, /*verified=*/true);
}

absl::StatusOr<StrategyOutcome> RunUnverifiedBestOfN(SearchContext& context) {
  return RankSamples(context, /*verified=*/false);
}

absl::StatusOr<StrategyOutcome> RunVote(SearchContext& context, bool weighted) {
  absl::StatusOr<StrategyOutcome> ranked = RankSamples(context, weighted);
  if (!ranked.ok()) return ranked.status();
  StrategyOutcome outcome;
  outcome.stop_reason = ranked->stop_reason;
  // One group per final answer (equal by the task's rule), represented by
  // its best trace. A complete trace without a final answer cannot vote.
  std::map<std::string, Answer> groups;
  for (Answer& answer : ranked->answers) {
    if (answer.final_value.empty()) continue;
    auto [it, inserted] = groups.try_emplace(
        context.task().NormalizeAnswer(answer.final_value), answer);
    Answer& group = it->second;
    if (!inserted && answer.score > group.score) {
      const int votes = group.votes;
      const double weight = group.vote_weight;
      group = answer;
      group.votes = votes;
      group.vote_weight = weight;
    }
    group.votes += 1;
    group.vote_weight += weighted ? std::exp(answer.score) : 1.0;
  }
  const double total = static_cast<double>(context.options().n);
  for (auto& [value, group] : groups) {
    // The group's support is its score: log of summed F, or log of its
    // share of the votes.
    group.score =
        std::log(weighted ? group.vote_weight : group.vote_weight / total);
    outcome.answers.push_back(std::move(group));
  }
  return outcome;
}

}  // namespace arts::search
