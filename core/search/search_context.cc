#include "core/search/search_context.h"

#include <algorithm>
#include <numeric>
#include <optional>
#include <set>
#include <tuple>
#include <utility>

#include "absl/status/status.h"
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

SearchContext::SearchContext(backend::Policy& policy, backend::Scorer* scorer,
                             const task::Task& task, std::string problem,
                             const SearchOptions& options, EventSink events)
    : policy_(policy),
      scorer_(scorer),
      task_(task),
      problem_(std::move(problem)),
      call_{options.deadline, options.cancelled},
      options_(WithStrategyDefaults(options)),
      events_(std::move(events)),
      seed_(options.seed * 1'000'003),
      rng_(options.seed) {}

absl::Status SearchContext::MayCall() const {
  if (call_.expired()) {
    return absl::DeadlineExceededError("deadline passed during the search");
  }
  if (call_.is_cancelled()) {
    return absl::CancelledError("the search was cancelled");
  }
  return absl::OkStatus();
}

absl::StatusOr<std::vector<std::vector<Node>>> SearchContext::Expand(
    const std::vector<const Node*>& parents, int count, bool to_the_end) {
  std::vector<std::vector<Node>> children(parents.size());
  // As many parents per call as one call may carry: usually all of them.
  const size_t per_call = static_cast<size_t>(
      std::max(1, std::min(backend::kMaxPrefixes,
                           backend::kMaxRowsPerCall / std::max(1, count))));
  for (size_t first = 0; first < parents.size(); first += per_call) {
    const size_t last = std::min(parents.size(), first + per_call);
    const std::vector<const Node*> chunk(parents.begin() + first,
                                         parents.begin() + last);
    absl::Status status =
        ExpandInOneCall(chunk, first, count, to_the_end, children);
    if (!status.ok()) return status;
  }
  return children;
}

absl::Status SearchContext::ExpandInOneCall(
    const std::vector<const Node*>& parents, size_t first, int count,
    bool to_the_end, std::vector<std::vector<Node>>& children) {
  if (absl::Status may = MayCall(); !may.ok()) return may;
  backend::ProposeRequest request;
  request.task = options_.task;
  request.problem = problem_;
  for (const Node* parent : parents) request.prefixes.push_back(parent->steps);
  request.num_candidates = count;
  request.max_steps = to_the_end ? 0 : 1;
  request.sampling.temperature = options_.temperature;
  request.sampling.top_p = options_.top_p;
  request.sampling.constrained = options_.constrained;
  request.sampling.seed = NextSeed();
  const size_t wanted = parents.size() * static_cast<size_t>(count);
  std::vector<backend::Candidate> candidates;
  bool too_many = false;
  ++cost_.generator_calls;
  cost_.expansions += static_cast<int64_t>(parents.size());
  absl::Status status =
      policy_.Propose(request, call_, [&](backend::Candidate candidate) {
        cost_.tokens_generated += candidate.num_tokens;
        // A generator that streams on past what was asked costs no memory.
        if (candidates.size() == wanted) {
          too_many = true;
        } else {
          candidates.push_back(std::move(candidate));
        }
      });
  if (!status.ok()) return NameBackend("generator", status);
  // The generator may be someone else's: every (prefix, index) asked for
  // must come exactly once, or the search would count wrong or wait on
  // samples that never come.
  std::vector<std::vector<bool>> seen(parents.size(),
                                      std::vector<bool>(count, false));
  for (const backend::Candidate& c : candidates) {
    if (c.prefix_index < 0 ||
        c.prefix_index >= static_cast<int>(parents.size()) || c.index < 0 ||
        c.index >= count) {
      return absl::InternalError(
          absl::StrCat("generator: a candidate names prefix ", c.prefix_index,
                       " index ", c.index, " of a request for ", parents.size(),
                       " prefixes x ", count, " candidates"));
    }
    if (seen[c.prefix_index][c.index]) {
      return absl::InternalError(absl::StrCat("generator: candidate ", c.index,
                                              " of prefix ", c.prefix_index,
                                              " came twice"));
    }
    seen[c.prefix_index][c.index] = true;
  }
  if (too_many || candidates.size() != wanted) {
    const std::string got = too_many ? "more" : absl::StrCat(candidates.size());
    return absl::InternalError(
        absl::StrCat("generator: asked for ", wanted, " candidates (",
                     parents.size(), " prefixes x ", count, "), got ", got));
  }
  // Candidates stream in finishing order; (prefix, index) order is the
  // seed's order.
  std::sort(candidates.begin(), candidates.end(),
            [](const auto& a, const auto& b) {
              return std::tie(a.prefix_index, a.index) <
                     std::tie(b.prefix_index, b.index);
            });
  for (backend::Candidate& candidate : candidates) {
    const int p = candidate.prefix_index;
    children[first + p].push_back(MakeChild(*parents[p], std::move(candidate)));
  }
  return absl::OkStatus();
}

Node SearchContext::MakeChild(const Node& parent,
                              backend::Candidate candidate) const {
  Node child;
  child.steps = parent.steps;
  for (std::string& step : candidate.steps) {
    child.steps.push_back(std::move(step));
  }
  child.logprob = parent.logprob + candidate.logprob;
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

absl::Status SearchContext::Score(const std::vector<Node*>& nodes) {
  if (scorer_ == nullptr) {
    return absl::FailedPreconditionError("this search has no verifier");
  }
  std::vector<Node*> unscored;
  for (Node* node : nodes) {
    if (node->valid && !node->scored()) unscored.push_back(node);
  }
  for (size_t first = 0; first < unscored.size();
       first += backend::kMaxTracesPerScore) {
    const size_t count =
        std::min<size_t>(backend::kMaxTracesPerScore, unscored.size() - first);
    absl::Status status = ScoreInOneCall(unscored, first, count);
    if (!status.ok()) return status;
  }
  return absl::OkStatus();
}

absl::Status SearchContext::ScoreInOneCall(const std::vector<Node*>& nodes,
                                           size_t first, size_t count) {
  if (absl::Status may = MayCall(); !may.ok()) return may;
  backend::ScoreRequest request;
  request.task = options_.task;
  for (size_t i = first; i < first + count; ++i) {
    request.traces.push_back({problem_, nodes[i]->steps});
  }
  ++cost_.verifier_calls;
  cost_.traces_scored += static_cast<int64_t>(count);
  absl::StatusOr<std::vector<std::vector<double>>> flows =
      scorer_->Score(request, call_);
  if (!flows.ok()) {
    verifier_failed_ = true;
    return NameBackend("verifier", flows.status());
  }
  if (flows->size() != count) {
    return absl::InternalError(absl::StrCat("verifier: returned ",
                                            flows->size(), " scores for ",
                                            count, " traces"));
  }
  for (size_t i = 0; i < count; ++i) {
    nodes[first + i]->log_flows = std::move((*flows)[i]);
  }
  return absl::OkStatus();
}

std::string SearchContext::SpentBudget() const {
  if (*options_.max_tokens > 0 &&
      cost_.tokens_generated >= *options_.max_tokens) {
    return "token budget";
  }
  if (options_.max_expansions > 0 &&
      cost_.expansions >= options_.max_expansions) {
    return "expansion budget";
  }
  return "";
}

int SearchContext::AffordableExpansions(int wanted) const {
  if (options_.max_expansions <= 0) return wanted;
  const int64_t left = options_.max_expansions - cost_.expansions;
  return static_cast<int>(
      std::max<int64_t>(0, std::min<int64_t>(wanted, left)));
}

Answer SearchContext::MakeAnswer(const Node& node) const {
  Answer answer;
  answer.steps = node.steps;
  answer.terminal = node.terminal;
  answer.logprob = node.logprob;
  answer.step_log_flows = node.log_flows;
  if (node.terminal) answer.final_value = node.final_answer;
  const std::optional<bool> passes = task_.CheckAnswer(problem_, node.steps);
  if (passes.has_value()) {
    answer.check = *passes ? Check::kPassed : Check::kFailed;
  }
  const std::vector<double>& flows = node.log_flows;
  if (!node.scored()) {
    answer.score =
        node.valid ? node.logprob : -std::numeric_limits<double>::infinity();
  } else if (options_.aggregation == Aggregation::kMin) {
    answer.score = *std::min_element(flows.begin(), flows.end());
  } else if (options_.aggregation == Aggregation::kMean) {
    answer.score =
        std::accumulate(flows.begin(), flows.end(), 0.0) / flows.size();
  } else {
    answer.score = flows.back();
  }
  return answer;
}

void SearchContext::ReportExpansion(int frontier) {
  if (!events_) return;
  SearchEvent event;
  event.kind = SearchEvent::Kind::kExpansion;
  event.cost = cost();
  event.frontier = frontier;
  events_(event);
}

void SearchContext::OfferAnswer(const Answer& answer) {
  if (!answer.terminal || !(answer.score > best_score_)) return;
  best_score_ = answer.score;
  if (!events_) return;
  SearchEvent event;
  event.kind = SearchEvent::Kind::kBestSoFar;
  event.cost = cost();
  event.best = answer;
  events_(event);
}

CostReceipt SearchContext::cost() const {
  CostReceipt cost = cost_;
  cost.wall_seconds = absl::ToDoubleSeconds(absl::Now() - start_);
  return cost;
}

std::vector<Answer> TopAnswers(std::vector<Answer> answers, int top_n) {
  std::stable_sort(
      answers.begin(), answers.end(),
      [](const Answer& a, const Answer& b) { return a.score > b.score; });
  std::vector<Answer> top;
  std::set<std::vector<std::string>> seen;
  for (Answer& answer : answers) {
    if (static_cast<int>(top.size()) >= top_n) break;
    if (seen.insert(answer.steps).second) top.push_back(std::move(answer));
  }
  return top;
}

}  // namespace arts::search
