#ifndef ARTS_CORE_SEARCH_SEARCH_CONTEXT_H_
#define ARTS_CORE_SEARCH_SEARCH_CONTEXT_H_

#include <cstdint>
#include <limits>
#include <random>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/time/clock.h"
#include "core/backend/policy.h"
#include "core/backend/scorer.h"
#include "core/search/search_options.h"
#include "core/search/search_result.h"
#include "core/task/task.h"

namespace arts::search {

// A partial or complete trace in a search.
struct Node {
  std::vector<std::string> steps;
  bool valid = true;
  bool terminal = false;
  std::string final_answer;       // when terminal, as the generator said
  double logprob = 0;             // log pi of `steps` given the problem
  std::vector<double> log_flows;  // log F of every prefix, once scored

  bool scored() const { return !log_flows.empty(); }
  double log_flow() const {
    return scored() ? log_flows.back()
                    : -std::numeric_limits<double>::infinity();
  }
};

// What every strategy shares: calls to the generator and the verifier with
// their accounting, budgets, the deadline, seeds and progress events.
class SearchContext {
 public:
  // `scorer` may be null for strategies that need no verifier; `events` may
  // be empty.
  SearchContext(backend::Policy& policy, backend::Scorer* scorer,
                const task::Task& task, std::string problem,
                const SearchOptions& options, EventSink events);

  // Samples `count` continuations of every parent in one generator call:
  // one step each, or whole traces when `to_the_end`. A round larger than
  // one call may carry (backend::kMaxPrefixes prefixes,
  // backend::kMaxRowsPerCall rows) is split into as few calls as fit.
  // Returns each parent's children in the parents' order; counts one
  // expansion per parent. Fails with DEADLINE_EXCEEDED once the deadline has
  // passed, and with INTERNAL when the generator breaks the contract
  // (candidates missing, repeated or for a prefix not asked about).
  absl::StatusOr<std::vector<std::vector<Node>>> Expand(
      const std::vector<const Node*>& parents, int count, bool to_the_end);

  // Scores every valid node in one verifier call (more only past
  // backend::kMaxTracesPerScore traces); illegal ones stay unscored
  // (log F = -inf) and cost nothing.
  absl::Status Score(const std::vector<Node*>& nodes);
  // Whether a verifier call has failed (for the unverified fallback).
  bool verifier_failed() const { return verifier_failed_; }

  // The budget that is spent, or empty while the search may go on.
  std::string SpentBudget() const;
  // How many of `wanted` parents the expansion budget still allows, so that
  // a round never expands more nodes than the budget has left.
  int AffordableExpansions(int wanted) const;

  // The answer for a complete or partial trace, scored by `aggregation` (or
  // by log pi when the node was never scored).
  Answer MakeAnswer(const Node& node) const;

  // Progress: after each round of expansions, and when a better complete
  // trace turns up.
  void ReportExpansion(int frontier);
  void OfferAnswer(const Answer& answer);

  CostReceipt cost() const;
  // The search's options, every unset one at its strategy's default
  // (WithStrategyDefaults), so strategies read `*proposals` freely.
  const SearchOptions& options() const { return options_; }
  const std::string& problem() const { return problem_; }
  const task::Task& task() const { return task_; }
  bool has_scorer() const { return scorer_ != nullptr; }
  // Each generator call gets its own seed, so a search is deterministic for
  // a seed and the same through either Policy.
  uint64_t NextSeed() { return ++seed_; }
  std::mt19937_64& rng() { return rng_; }

 private:
  // DEADLINE_EXCEEDED or CANCELLED once the search must stop.
  absl::Status MayCall() const;
  // One generator call for `parents` (within one call's limits), appending
  // their children to `children` from `first` on.
  absl::Status ExpandInOneCall(const std::vector<const Node*>& parents,
                               size_t first, int count, bool to_the_end,
                               std::vector<std::vector<Node>>& children);
  // A child of `parent` from a candidate, with the task's own verdict on
  // the new steps where the task knows its rules.
  Node MakeChild(const Node& parent, backend::Candidate candidate) const;
  // One verifier call for nodes[first, first + count).
  absl::Status ScoreInOneCall(const std::vector<Node*>& nodes, size_t first,
                              size_t count);

  backend::Policy& policy_;
  backend::Scorer* scorer_;
  const task::Task& task_;
  std::string problem_;
  backend::CallContext call_;  // the search's deadline and cancellation
  SearchOptions options_;
  EventSink events_;
  CostReceipt cost_;
  absl::Time start_ = absl::Now();
  uint64_t seed_;
  std::mt19937_64 rng_;
  double best_score_ = -std::numeric_limits<double>::infinity();
  bool verifier_failed_ = false;
};

// The best `top_n` distinct answers by score, best first.
std::vector<Answer> TopAnswers(std::vector<Answer> answers, int top_n);

}  // namespace arts::search

#endif  // ARTS_CORE_SEARCH_SEARCH_CONTEXT_H_
