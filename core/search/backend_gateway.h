#ifndef ARTS_CORE_SEARCH_BACKEND_GATEWAY_H_
#define ARTS_CORE_SEARCH_BACKEND_GATEWAY_H_

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/synchronization/mutex.h"
#include "absl/time/clock.h"
#include "core/backend/call_context.h"
#include "core/backend/policy.h"
#include "core/backend/scorer.h"
#include "core/search/node.h"
#include "core/search/search_options.h"
#include "core/search/search_result.h"
#include "core/task/task.h"

namespace arts::search {

// The largest magnitude a verifier's log flow may have: far past any real
// one (F = e^-1000000 is 0 in a double), and small enough that a trace's
// sums stay finite.
inline constexpr double kMaxAbsLogFlow = 1e6;

// One generator call of a round: its request and the parents it covers.
struct ProposeCall {
  backend::ProposeRequest request;
  size_t first_parent = 0;  // the round's parents [first, first + prefixes)
  size_t wanted = 0;        // candidates asked for
};

// What one generator call brought back. A generator that streams on past
// what was asked costs no memory: the extra candidates are only noted.
struct ProposeReply {
  absl::Status status;
  std::vector<backend::Candidate> candidates;
  bool too_many = false;
  int64_t tokens = 0;

  void Add(backend::Candidate candidate, size_t wanted);
};

// One verifier call of a round: its request and the nodes it scores.
struct ScoreCall {
  backend::ScoreRequest request;
  std::vector<Node*> nodes;
};

using ScoreReply = absl::StatusOr<std::vector<std::vector<double>>>;

// A search's one door to its backends. It splits a round into calls within
// one call's limits (backend::kMaxPrefixes prefixes, kMaxRowsPerCall rows,
// kMaxTracesPerScore traces), gives every generator call the next seed,
// checks what comes back against the contract (each asked-for candidate
// exactly once, one score per prefix), builds the children with the task's
// own verdict, and counts what the search spends. It makes no call itself:
// a driver makes them, one at a time or all at once, and hands back the
// replies in the calls' order.
class BackendGateway {
 public:
  // `options` with the strategy's defaults; `task` outlives the gateway.
  BackendGateway(const task::Task& task, std::string problem,
                 const SearchOptions& options);

  // DEADLINE_EXCEEDED or CANCELLED once the search must stop: checked
  // before every round of calls.
  absl::Status MayCall() const;
  // The deadline and cancellation every call of the search carries.
  const backend::CallContext& call() const { return call_; }

  // The generator calls that sample `count` continuations of every parent
  // (one step each, or whole traces when `to_the_end`); none for no
  // parents. Counts the calls and one expansion per parent.
  std::vector<ProposeCall> ProposeCalls(const std::vector<const Node*>& parents,
                                        int count, bool to_the_end);
  // Every parent's children, in the parents' order, from the replies to
  // `calls` (in the same order; the replies may stop at the first that
  // failed). A failed call's code is kept and named "generator: ..."; a
  // generator that broke the contract is INTERNAL.
  absl::StatusOr<std::vector<std::vector<Node>>> Children(
      const std::vector<const Node*>& parents,
      const std::vector<ProposeCall>& calls, std::vector<ProposeReply> replies);

  // The verifier calls that score every valid, unscored node; none when
  // there is nothing to score. Counts the calls and traces.
  std::vector<ScoreCall> ScoreCalls(const std::vector<Node*>& nodes);
  // Stores each call's scores in its nodes. A failed call's code is kept
  // and named "verifier: ..."; a verifier that broke the contract is
  // INTERNAL.
  absl::Status ApplyScores(const std::vector<ScoreCall>& calls,
                           std::vector<ScoreReply> replies);
  // Whether a verifier call has failed (for the unverified fallback).
  bool verifier_failed() const { return verifier_failed_; }

  // What the search has spent so far; wall time since the gateway was made,
  // and the backends' queue and compute seconds in cost().
  const CostReceipt& spent() const { return cost_; }
  CostReceipt cost() const;

 private:
  // A child of `parent` from a candidate, with the task's own verdict on
  // the new steps where the task knows its rules.
  Node MakeChild(const Node& parent, backend::Candidate candidate) const;
  // INTERNAL unless `reply` holds each candidate `call` asked for exactly
  // once.
  absl::Status CheckReply(const ProposeCall& call,
                          const ProposeReply& reply) const;

  const task::Task& task_;
  const std::string problem_;
  const SearchOptions& options_;
  // The backends' reports of where their calls' time went, which arrive on
  // their threads; shared so that a late report has somewhere to go.
  struct BackendTimes {
    absl::Mutex mu;
    CostReceipt seconds ABSL_GUARDED_BY(mu);  // only the *_seconds fields
  };
  const std::shared_ptr<BackendTimes> times_ = std::make_shared<BackendTimes>();
  const backend::CallContext call_;
  CostReceipt cost_;
  const absl::Time start_ = absl::Now();
  uint64_t seed_;
  bool verifier_failed_ = false;
};

}  // namespace arts::search

#endif  // ARTS_CORE_SEARCH_BACKEND_GATEWAY_H_
