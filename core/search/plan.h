// A search strategy as a plan that is resumed, in the shape of vLLM's
// schedule() / update_from_output(): the plan says what it needs next
// (expand these parents with k proposals each, or score these nodes), a
// driver makes the calls, and the plan is resumed with the results. The
// plan itself never waits, so one driver runs it to the end on the calling
// thread (search.h) and another runs thousands at once on a few threads
// (search_pool.h), with the same answers for the same seed.
#ifndef ARTS_CORE_SEARCH_PLAN_H_
#define ARTS_CORE_SEARCH_PLAN_H_

#include <memory>
#include <random>
#include <string>
#include <vector>

#include "core/search/budget.h"
#include "core/search/node.h"
#include "core/search/progress_events.h"
#include "core/search/search_options.h"
#include "core/search/search_result.h"
#include "core/task/task.h"

namespace arts::search {

// What a plan needs next.
struct PlanStep {
  enum class Kind { kExpand, kScore, kDone };
  Kind kind = Kind::kDone;
  // kExpand: `count` continuations of every parent (nodes the plan owns and
  // leaves alone until it is resumed), one step each, or whole traces when
  // `to_the_end`.
  std::vector<const Node*> parents;
  int count = 0;
  bool to_the_end = false;
  // kScore: nodes the plan owns, scored in place (the valid, unscored ones).
  std::vector<Node*> nodes;

  static PlanStep Expand(std::vector<const Node*> parents, int count,
                         bool to_the_end);
  static PlanStep Score(std::vector<Node*> nodes);
  static PlanStep Done();
};

// What a strategy found: every complete trace it considers an answer (the
// caller keeps the top N), and why it stopped.
struct StrategyOutcome {
  std::vector<Answer> answers;
  std::string stop_reason = "done";
};

// What a plan may read and tell while it runs. Everything outlives the plan.
struct PlanEnv {
  const SearchOptions& options;  // with the strategy's defaults
  const task::Task& task;
  const std::string& problem;
  const Budget& budget;
  ProgressEvents& events;
  std::mt19937_64& rng;
};

class SearchPlan {
 public:
  explicit SearchPlan(const PlanEnv& env) : env_(env) {}
  virtual ~SearchPlan() = default;
  SearchPlan(const SearchPlan&) = delete;
  SearchPlan& operator=(const SearchPlan&) = delete;

  // The next step. After kExpand, the driver calls Expanded; after kScore,
  // Scored; after kDone, the outcome is final.
  virtual PlanStep Next() = 0;
  // The last kExpand's results: every parent's children, in its order.
  virtual void Expanded(std::vector<std::vector<Node>> children) = 0;
  // The last kScore's nodes hold their scores now.
  virtual void Scored() = 0;

  StrategyOutcome& outcome() { return outcome_; }

 protected:
  // A complete trace as one of the outcome's answers, offered to the
  // progress events as the best so far.
  void AddAnswer(const Node& node);
  // Ends the plan: kDone with `stop_reason`.
  PlanStep Finish(std::string stop_reason);

  const PlanEnv env_;
  StrategyOutcome outcome_;
};

// Helpers the strategies share.
// Drops illegal nodes and repeats of the same trace, keeping first copies.
std::vector<Node> LegalDistinct(std::vector<Node> nodes);
std::vector<Node*> Pointers(std::vector<Node>& nodes);
std::vector<const Node*> ConstPointers(const std::vector<Node>& nodes);
// Every node of every group, for one verifier call.
std::vector<Node*> Pointers(std::vector<std::vector<Node>>& groups);

}  // namespace arts::search

#endif  // ARTS_CORE_SEARCH_PLAN_H_
