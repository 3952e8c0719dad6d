#include "core/search/backend_gateway.h"

#include <algorithm>
#include <cmath>
#include <tuple>
#include <utility>

#include "absl/strings/str_cat.h"

namespace arts::search {
namespace {

// Keeps the code and says which service failed, so a client can tell a
// generator outage from a verifier outage.
absl::Status NameBackend(absl::string_view backend,
                         const absl::Status& status) {
  return absl::Status(status.code(),
                      absl::StrCat(backend, ": ", status.message()));
}

}  // namespace

void ProposeReply::Add(backend::Candidate candidate, size_t wanted) {
  tokens += candidate.num_tokens;
  if (candidates.size() == wanted) {
    too_many = true;
  } else {
    candidates.push_back(std::move(candidate));
  }
}

BackendGateway::BackendGateway(const task::Task& task, std::string problem,
                               const SearchOptions& options)
    : task_(task),
      problem_(std::move(problem)),
      options_(options),
      call_{options.deadline, options.cancelled,
            backend::SolveTimes{options.arrival != absl::InfiniteFuture()
                                    ? options.arrival
                                    : absl::Now(),
                                options.deadline},
            [times = times_](const backend::BackendTime& time) {
              absl::MutexLock lock(&times->mu);
              const double queued = absl::ToDoubleSeconds(time.queued);
              const double computed = absl::ToDoubleSeconds(time.computed);
              if (time.backend == backend::BackendTime::Backend::kGenerator) {
                times->seconds.generator_queue_seconds += queued;
                times->seconds.generator_compute_seconds += computed;
              } else {
                times->seconds.verifier_queue_seconds += queued;
                times->seconds.verifier_compute_seconds += computed;
              }
            }},
      seed_(options.seed * 1'000'003) {}

absl::Status BackendGateway::MayCall() const {
  if (call_.expired()) {
    return absl::DeadlineExceededError("deadline passed during the search");
  }
  if (call_.is_cancelled()) {
    return absl::CancelledError("the search was cancelled");
  }
  return absl::OkStatus();
}

std::vector<ProposeCall> BackendGateway::ProposeCalls(
    const std::vector<const Node*>& parents, int count, bool to_the_end) {
  std::vector<ProposeCall> calls;
  // As many parents per call as one call may carry: usually all of them.
  const size_t per_call = static_cast<size_t>(
      std::max(1, std::min(backend::kMaxPrefixes,
                           backend::kMaxRowsPerCall / std::max(1, count))));
  for (size_t first = 0; first < parents.size(); first += per_call) {
    const size_t last = std::min(parents.size(), first + per_call);
    ProposeCall call;
    call.first_parent = first;
    call.wanted = (last - first) * static_cast<size_t>(count);
    backend::ProposeRequest& request = call.request;
    request.task = options_.task;
    request.problem = problem_;
    for (size_t i = first; i < last; ++i) {
      request.prefixes.push_back(parents[i]->steps);
    }
    request.num_candidates = count;
    request.max_steps = to_the_end ? 0 : 1;
    request.sampling.temperature = options_.temperature;
    request.sampling.top_p = options_.top_p;
    request.sampling.constrained = options_.constrained;
    // Each generator call gets its own seed, so a search is deterministic
    // for a seed and the same through any Policy and either driver.
    request.sampling.seed = ++seed_;
    ++cost_.generator_calls;
    cost_.expansions += static_cast<int64_t>(last - first);
    calls.push_back(std::move(call));
  }
  return calls;
}

absl::Status BackendGateway::CheckReply(const ProposeCall& call,
                                        const ProposeReply& reply) const {
  // The generator may be someone else's: every (prefix, index) asked for
  // must come exactly once, or the search would count wrong or wait on
  // samples that never come.
  const int prefixes = static_cast<int>(call.request.prefixes.size());
  const int count = call.request.num_candidates;
  std::vector<std::vector<bool>> seen(prefixes, std::vector<bool>(count));
  for (const backend::Candidate& c : reply.candidates) {
    if (c.prefix_index < 0 || c.prefix_index >= prefixes || c.index < 0 ||
        c.index >= count) {
      return absl::InternalError(
          absl::StrCat("generator: a candidate names prefix ", c.prefix_index,
                       " index ", c.index, " of a request for ", prefixes,
                       " prefixes x ", count, " candidates"));
    }
    if (seen[c.prefix_index][c.index]) {
      return absl::InternalError(absl::StrCat("generator: candidate ", c.index,
                                              " of prefix ", c.prefix_index,
                                              " came twice"));
    }
    seen[c.prefix_index][c.index] = true;
  }
  if (reply.too_many || reply.candidates.size() != call.wanted) {
    const std::string got =
        reply.too_many ? "more" : absl::StrCat(reply.candidates.size());
    return absl::InternalError(
        absl::StrCat("generator: asked for ", call.wanted, " candidates (",
                     prefixes, " prefixes x ", count, "), got ", got));
  }
  return absl::OkStatus();
}

absl::StatusOr<std::vector<std::vector<Node>>> BackendGateway::Children(
    const std::vector<const Node*>& parents,
    const std::vector<ProposeCall>& calls, std::vector<ProposeReply> replies) {
  for (const ProposeReply& reply : replies) {
    cost_.tokens_generated += reply.tokens;
  }
  for (size_t i = 0; i < calls.size(); ++i) {
    if (i >= replies.size()) {
      return absl::InternalError("generator: a call of the round never ended");
    }
    if (!replies[i].status.ok()) {
      return NameBackend("generator", replies[i].status);
    }
    if (absl::Status valid = CheckReply(calls[i], replies[i]); !valid.ok()) {
      return valid;
    }
  }
  std::vector<std::vector<Node>> children(parents.size());
  for (size_t i = 0; i < calls.size(); ++i) {
    std::vector<backend::Candidate>& candidates = replies[i].candidates;
    // Candidates stream in finishing order; (prefix, index) order is the
    // seed's order.
    std::sort(candidates.begin(), candidates.end(),
              [](const auto& a, const auto& b) {
                return std::tie(a.prefix_index, a.index) <
                       std::tie(b.prefix_index, b.index);
              });
    for (backend::Candidate& candidate : candidates) {
      const size_t p = calls[i].first_parent + candidate.prefix_index;
      children[p].push_back(MakeChild(*parents[p], std::move(candidate)));
    }
  }
  return children;
}

Node BackendGateway::MakeChild(const Node& parent,
                               backend::Candidate candidate) const {
  Node child;
  child.steps = parent.steps;
  for (std::string& step : candidate.steps) {
    child.steps.push_back(std::move(step));
  }
  child.logprob = parent.logprob + candidate.logprob;
  child.tokens = candidate.num_tokens;
  child.valid = parent.valid && candidate.valid;
  child.terminal = child.valid && candidate.terminal;
  if (child.terminal) child.final_answer = std::move(candidate.final_answer);
  if (!child.valid) return child;
  // No new step and not the end: the node would be its own parent, and a
  // search could expand it forever. Likewise a trace that never ends.
  if ((candidate.steps.empty() && !child.terminal) ||
      static_cast<int>(child.steps.size()) > kMaxTraceSteps) {
    child.valid = child.terminal = false;
    child.final_answer.clear();
    return child;
  }
  // The task's own rules, where it has them: one line per step for `text`;
  // for Countdown, legality, the end and the answer by the checker, so a
  // remote generator's mistake is not taken for an answer.
  const task::TraceCheck check = task_.CheckTrace(problem_, child.steps);
  if (!check.legal) {
    child.valid = child.terminal = false;
    child.final_answer.clear();
  } else if (check.knows_end) {
    child.terminal = check.terminal;
    child.final_answer = check.terminal ? check.final_answer : "";
  }
  return child;
}

std::vector<ScoreCall> BackendGateway::ScoreCalls(
    const std::vector<Node*>& nodes) {
  std::vector<Node*> unscored;
  for (Node* node : nodes) {
    if (node->valid && !node->scored()) unscored.push_back(node);
  }
  std::vector<ScoreCall> calls;
  for (size_t first = 0; first < unscored.size();
       first += backend::kMaxTracesPerScore) {
    const size_t last =
        std::min<size_t>(unscored.size(), first + backend::kMaxTracesPerScore);
    ScoreCall call;
    call.request.task = options_.task;
    for (size_t i = first; i < last; ++i) {
      call.request.traces.push_back({problem_, unscored[i]->steps});
      call.nodes.push_back(unscored[i]);
    }
    ++cost_.verifier_calls;
    cost_.traces_scored += static_cast<int64_t>(last - first);
    calls.push_back(std::move(call));
  }
  return calls;
}

absl::Status BackendGateway::ApplyScores(const std::vector<ScoreCall>& calls,
                                         std::vector<ScoreReply> replies) {
  for (size_t i = 0; i < calls.size(); ++i) {
    if (i >= replies.size()) {
      return absl::InternalError("verifier: a call of the round never ended");
    }
    if (!replies[i].ok()) {
      verifier_failed_ = true;
      return NameBackend("verifier", replies[i].status());
    }
    const size_t count = calls[i].nodes.size();
    if (replies[i]->size() != count) {
      return absl::InternalError(
          absl::StrCat("verifier: returned ", replies[i]->size(),
                       " scores for ", count, " traces"));
    }
    // A NaN or infinite value would rank silently and wrongly (NaN compares
    // false with everything), and one of a huge magnitude would overflow
    // when the search sums a trace's flows; the verifier is someone else's
    // code.
    for (size_t j = 0; j < count; ++j) {
      const std::vector<double>& flows = (*replies[i])[j];
      for (size_t k = 0; k < flows.size(); ++k) {
        if (!std::isfinite(flows[k])) {
          return absl::InternalError(
              absl::StrCat("verifier: scores[", j, "].step_log_flows[", k,
                           "] is ", flows[k], ", not a finite log flow"));
        }
        if (std::abs(flows[k]) > kMaxAbsLogFlow) {
          return absl::InternalError(absl::StrCat(
              "verifier: scores[", j, "].step_log_flows[", k, "] is ", flows[k],
              ", outside a log flow's range (|log F| <= ", kMaxAbsLogFlow,
              ")"));
        }
      }
    }
  }
  for (size_t i = 0; i < calls.size(); ++i) {
    for (size_t j = 0; j < calls[i].nodes.size(); ++j) {
      calls[i].nodes[j]->log_flows = std::move((*replies[i])[j]);
    }
  }
  return absl::OkStatus();
}

CostReceipt BackendGateway::cost() const {
  CostReceipt cost = cost_;
  cost.wall_seconds = absl::ToDoubleSeconds(absl::Now() - start_);
  absl::MutexLock lock(&times_->mu);
  cost.generator_queue_seconds = times_->seconds.generator_queue_seconds;
  cost.generator_compute_seconds = times_->seconds.generator_compute_seconds;
  cost.verifier_queue_seconds = times_->seconds.verifier_queue_seconds;
  cost.verifier_compute_seconds = times_->seconds.verifier_compute_seconds;
  return cost;
}

}  // namespace arts::search
