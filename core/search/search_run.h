#ifndef ARTS_CORE_SEARCH_SEARCH_RUN_H_
#define ARTS_CORE_SEARCH_SEARCH_RUN_H_

#include <memory>
#include <random>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "core/backend/call_context.h"
#include "core/search/backend_gateway.h"
#include "core/search/budget.h"
#include "core/search/plan.h"
#include "core/search/progress_events.h"
#include "core/search/search_options.h"
#include "core/search/search_result.h"
#include "core/search/search_tree.h"

namespace arts::search {

// One search, from its request to its result, for a driver to run. It holds
// the strategy's plan and the pieces around it (the backend gateway, the
// budget, progress events, the random state), turns each step of the plan
// into backend calls, and falls back to best-of-N ranked by log pi when the
// verifier is UNAVAILABLE and the options allow it.
//
// A driver loops: Advance(); make every call it names (one at a time or all
// at once); hand the replies back in the calls' order with Proposed or
// Scored; until Advance says kFinished, then TakeResult. The run is used by
// one thread at a time and makes no call itself.
class SearchRun {
 public:
  // Checks the request first: INVALID_ARGUMENT naming the field for a bad
  // option, an unknown task ("task: ...") or a problem that is not one of
  // the task's ("problem: ..."); FAILED_PRECONDITION when the strategy needs
  // a verifier, there is none (`has_scorer`) and the options do not allow
  // an unverified answer. `events` may be empty.
  static absl::StatusOr<std::unique_ptr<SearchRun>> Create(
      std::string problem, const SearchOptions& options, bool has_scorer,
      EventSink events = nullptr);

  SearchRun(const SearchRun&) = delete;
  SearchRun& operator=(const SearchRun&) = delete;

  enum class Wait { kGenerator, kVerifier, kFinished };
  // Resumes the plan until it needs its backends: kGenerator (make every
  // call of propose_calls()), kVerifier (score_calls()), or kFinished.
  Wait Advance();
  const std::vector<ProposeCall>& propose_calls() const { return propose_; }
  const std::vector<ScoreCall>& score_calls() const { return score_; }
  // The replies to the calls Advance named, in their order (they may stop
  // at the first that failed).
  void Proposed(std::vector<ProposeReply> replies);
  void Scored(std::vector<ScoreReply> replies);

  // The deadline and cancellation every backend call of the search carries.
  const backend::CallContext& call() const { return gateway_.call(); }
  // Once Advance said kFinished: the result, or why the search failed.
  absl::StatusOr<SearchResult> TakeResult();

 private:
  SearchRun(const task::Task& task, std::string problem,
            const SearchOptions& options, EventSink events);
  // The tree's changes, as events on `sink`.
  void RecordTree(EventSink sink);

  // Ends the search with `status`, unless it is the verifier's outage and
  // the unverified fallback may answer instead.
  void Fail(absl::Status status);

  const SearchOptions options_;  // with the strategy's defaults
  const task::Task& task_;
  const std::string problem_;
  BackendGateway gateway_;
  Budget budget_;
  ProgressEvents events_;
  std::mt19937_64 rng_;
  const PlanEnv env_;
  std::unique_ptr<SearchPlan> plan_;
  // Only when the options ask for the tree.
  std::unique_ptr<TreeRecorder> tree_;
  bool verified_ = true;
  // The step whose calls are out.
  PlanStep step_;
  std::vector<ProposeCall> propose_;
  std::vector<ScoreCall> score_;
  bool finished_ = false;
  absl::Status status_;
};

}  // namespace arts::search

#endif  // ARTS_CORE_SEARCH_SEARCH_RUN_H_
