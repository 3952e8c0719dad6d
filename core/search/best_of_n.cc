// best_of_n, weighted_vote, majority_vote and the unverified fallback: all
// rank N complete samples from the root and differ only in how.
#include <algorithm>
#include <cmath>
#include <map>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "core/search/strategies.h"

namespace arts::search {
namespace {

class SamplesPlan : public SearchPlan {
 public:
  SamplesPlan(const PlanEnv& env, SampleRanking ranking)
      : SearchPlan(env), ranking_(ranking) {}

  PlanStep Next() override {
    if (!sampled_) {
      std::optional<PlanStep> more = SampleMore();
      if (more.has_value()) return *std::move(more);
      sampled_ = true;
      env_.events.Expansion(0);
      const bool verified = ranking_ == SampleRanking::kBestOfN ||
                            ranking_ == SampleRanking::kWeightedVote;
      if (verified) return PlanStep::Score(Pointers(samples_));
    }
    for (const Node& node : samples_) {
      if (node.terminal) AddAnswer(node);
    }
    if (ranking_ == SampleRanking::kWeightedVote ||
        ranking_ == SampleRanking::kMajorityVote) {
      Vote(ranking_ == SampleRanking::kWeightedVote);
    }
    return Finish(stop_reason_);
  }

  void Expanded(std::vector<std::vector<Node>> children) override {
    for (std::vector<Node>& group : children) {
      for (Node& node : group) samples_.push_back(std::move(node));
    }
  }

  void Scored() override {}

 private:
  // The next batch of complete traces from the root while fewer than N are
  // drawn: one generator call where N splits evenly into prefixes of at
  // most kMaxProposals candidates (the root repeated: the generator samples
  // each copy independently), else two. None once N are drawn or a budget
  // is spent.
  std::optional<PlanStep> SampleMore() {
    const int n = env_.options.n;
    if (static_cast<int>(samples_.size()) < n) {
      stop_reason_ = env_.budget.Spent();
      if (stop_reason_.empty()) {
        const int missing = n - static_cast<int>(samples_.size());
        // Each copy of the root is one expansion: no more than the budget
        // has.
        const int copies = env_.budget.AffordableExpansions(
            (missing + kMaxProposals - 1) / kMaxProposals);
        const int count = std::min(kMaxProposals, missing / copies);
        return PlanStep::Expand(std::vector<const Node*>(copies, &root_), count,
                                /*to_the_end=*/true);
      }
    }
    if (stop_reason_.empty()) stop_reason_ = "done";
    return std::nullopt;
  }

  // One answer per final answer (equal by the task's rule), represented by
  // its best trace. A complete trace without a final answer cannot vote.
  void Vote(bool weighted) {
    std::map<std::string, Answer> groups;
    for (Answer& answer : outcome_.answers) {
      if (answer.final_value.empty()) continue;
      auto [it, inserted] = groups.try_emplace(
          env_.task.NormalizeAnswer(answer.final_value), answer);
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
    outcome_.answers.clear();
    const double total = static_cast<double>(env_.options.n);
    for (auto& [value, group] : groups) {
      // The group's support is its score: log of summed F, or log of its
      // share of the votes.
      group.score =
          std::log(weighted ? group.vote_weight : group.vote_weight / total);
      outcome_.answers.push_back(std::move(group));
    }
  }

  const SampleRanking ranking_;
  const Node root_;
  std::vector<Node> samples_;
  bool sampled_ = false;
  std::string stop_reason_;
};

}  // namespace

std::unique_ptr<SearchPlan> MakeSamplesPlan(const PlanEnv& env,
                                            SampleRanking ranking) {
  return std::make_unique<SamplesPlan>(env, ranking);
}

}  // namespace arts::search
