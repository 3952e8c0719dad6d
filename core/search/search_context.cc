#include "core/search/search_context.h"

#include <algorithm>
#include <numeric>
#include <set>
#include <utility>

#include "absl/status/status.h"
#include "absl/strings/str_cat.h"
#include "core/countdown/checker.h"

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

SearchContext::SearchContext(Proposer& proposer, Scorer* scorer,
                             countdown::Problem problem,
                             const SearchOptions& options, EventSink events)
    : proposer_(proposer),
      scorer_(scorer),
      problem_(std::move(problem)),
      problem_text_(countdown::FormatProblem(problem_)),
      options_(options),
      events_(std::move(events)),
      seed_(options.seed * 1'000'003),
      rng_(options.seed) {}

absl::Status SearchContext::MayCall() const {
  if (absl::Now() >= options_.deadline) {
    return absl::DeadlineExceededError("deadline passed during the search");
  }
  if (options_.cancelled && options_.cancelled()) {
    return absl::CancelledError("the search was cancelled");
  }
  return absl::OkStatus();
}

absl::StatusOr<std::vector<Node>> SearchContext::Expand(const Node& parent,
                                                        int count,
                                                        bool to_the_end) {
  if (absl::Status may = MayCall(); !may.ok()) return may;
  model::ProposeRequest request;
  request.problem = problem_text_;
  request.steps = parent.steps;
  request.num_candidates = count;
  request.max_steps = to_the_end ? 0 : 1;
  request.sampling.temperature = options_.temperature;
  request.sampling.top_p = options_.top_p;
  request.sampling.constrained = options_.constrained;
  request.sampling.seed = NextSeed();
  std::vector<model::Candidate> candidates;
  ++cost_.generator_calls;
  ++cost_.expansions;
  absl::Status status = proposer_.Propose(
      request, options_.deadline, [&](model::Candidate candidate) {
        cost_.tokens_generated += candidate.num_tokens;
        candidates.push_back(std::move(candidate));
      });
  if (!status.ok()) return NameBackend("generator", status);
  // Candidates stream in finishing order; index order is the seed's order.
  std::sort(candidates.begin(), candidates.end(),
            [](const auto& a, const auto& b) { return a.index < b.index; });
  std::vector<Node> children;
  children.reserve(candidates.size());
  for (model::Candidate& candidate : candidates) {
    Node child;
    child.steps = parent.steps;
    for (std::string& step : candidate.steps) {
      child.steps.push_back(std::move(step));
    }
    child.valid = parent.valid && candidate.valid;
    child.terminal = child.valid && candidate.terminal;
    child.logprob = parent.logprob + candidate.logprob;
    children.push_back(std::move(child));
  }
  return children;
}

absl::Status SearchContext::Score(const std::vector<Node*>& nodes) {
  if (scorer_ == nullptr) {
    return absl::FailedPreconditionError("this search has no verifier");
  }
  std::vector<verifier::TraceRef> traces;
  std::vector<Node*> scored;
  for (Node* node : nodes) {
    if (!node->valid || node->scored()) continue;
    traces.push_back({problem_text_, node->steps});
    scored.push_back(node);
  }
  if (traces.empty()) return absl::OkStatus();
  if (absl::Status may = MayCall(); !may.ok()) return may;
  ++cost_.verifier_calls;
  cost_.traces_scored += static_cast<int64_t>(traces.size());
  absl::StatusOr<std::vector<std::vector<double>>> flows =
      scorer_->Score(traces, options_.deadline);
  if (!flows.ok()) {
    verifier_failed_ = true;
    return NameBackend("verifier", flows.status());
  }
  if (flows->size() != scored.size()) {
    return absl::InternalError(
        "the verifier returned a wrong number of scores");
  }
  for (size_t i = 0; i < scored.size(); ++i) {
    scored[i]->log_flows = std::move((*flows)[i]);
  }
  return absl::OkStatus();
}

std::string SearchContext::SpentBudget() const {
  if (options_.max_tokens > 0 &&
      cost_.tokens_generated >= options_.max_tokens) {
    return "token budget";
  }
  if (options_.max_expansions > 0 &&
      cost_.expansions >= options_.max_expansions) {
    return "expansion budget";
  }
  return "";
}

Answer SearchContext::MakeAnswer(const Node& node) const {
  Answer answer;
  answer.steps = node.steps;
  answer.terminal = node.terminal;
  answer.logprob = node.logprob;
  answer.step_log_flows = node.log_flows;
  if (node.terminal) {
    countdown::TraceVerdict verdict =
        countdown::CheckTrace(problem_, node.steps);
    if (verdict.state.left.size() == 1) {
      answer.final_value = countdown::JoinNumbers(verdict.state.left);
    }
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
