#include "backends/grpc/search_proto.h"

#include "absl/status/status.h"
#include "absl/strings/str_cat.h"

namespace arts::backends {
namespace {

using search::Aggregation;
using search::Strategy;

constexpr std::pair<arts::v1::Strategy, Strategy> kStrategies[] = {
    {arts::v1::STRATEGY_UNSPECIFIED, Strategy::kArts},
    {arts::v1::BEST_OF_N, Strategy::kBestOfN},
    {arts::v1::WEIGHTED_VOTE, Strategy::kWeightedVote},
    {arts::v1::MAJORITY_VOTE, Strategy::kMajorityVote},
    {arts::v1::BEAM, Strategy::kBeam},
    {arts::v1::ARTS, Strategy::kArts},
    {arts::v1::DVTS, Strategy::kDvts},
};

constexpr std::pair<arts::v1::Aggregation, Aggregation> kAggregations[] = {
    {arts::v1::AGGREGATION_UNSPECIFIED, Aggregation::kLast},
    {arts::v1::LAST, Aggregation::kLast},
    {arts::v1::MIN, Aggregation::kMin},
    {arts::v1::MEAN, Aggregation::kMean},
};

constexpr std::pair<arts::v1::CheckResult, search::Check> kChecks[] = {
    {arts::v1::CHECK_UNKNOWN, search::Check::kUnknown},
    {arts::v1::CHECK_PASSED, search::Check::kPassed},
    {arts::v1::CHECK_FAILED, search::Check::kFailed},
};

}  // namespace

arts::v1::CheckResult ToProto(search::Check check) {
  for (const auto& [proto, core] : kChecks) {
    if (core == check) return proto;
  }
  return arts::v1::CHECK_UNKNOWN;
}

search::Check FromProto(arts::v1::CheckResult check) {
  // A value this build does not know (a newer server) reads as unknown.
  for (const auto& [proto, core] : kChecks) {
    if (proto == check) return core;
  }
  return search::Check::kUnknown;
}

absl::StatusOr<search::SearchOptions> OptionsFromProto(
    const arts::v1::SolveRequest& request) {
  search::SearchOptions options;
  options.task =
      request.task().empty() ? backend::kDefaultTask : request.task();
  bool known = false;
  for (const auto& [proto, strategy] : kStrategies) {
    if (request.strategy() == proto) {
      options.strategy = strategy;
      known = true;
    }
  }
  if (!known) {
    return absl::InvalidArgumentError(
        absl::StrCat("strategy: unknown value ", request.strategy()));
  }
  const arts::v1::SearchParams& params = request.params();
  known = false;
  for (const auto& [proto, aggregation] : kAggregations) {
    if (params.aggregation() == proto) {
      options.aggregation = aggregation;
      known = true;
    }
  }
  if (!known) {
    return absl::InvalidArgumentError(absl::StrCat(
        "params.aggregation: unknown value ", params.aggregation()));
  }
  if (params.has_n()) options.n = params.n();
  if (params.has_beam_width()) options.beam_width = params.beam_width();
  if (params.has_proposals()) options.proposals = params.proposals();
  if (params.has_expand_width()) options.expand_width = params.expand_width();
  options.flow_tilted = params.flow_tilted();
  if (params.has_tilt_pool()) options.tilt_pool = params.tilt_pool();
  if (params.has_stop_after_answers()) {
    options.stop_after_answers = params.stop_after_answers();
  }
  if (params.has_stop_confidence()) {
    options.stop_confidence = params.stop_confidence();
  }
  options.top_n = request.top_n() == 0 ? 1 : request.top_n();
  // Unset, the strategy's default budget (arts: its tuned 256 tokens).
  if (request.budget().has_max_tokens()) {
    options.max_tokens = request.budget().max_tokens();
  }
  options.max_expansions = request.budget().max_expansions();
  options.seed = request.seed();
  if (request.has_temperature()) options.temperature = request.temperature();
  if (request.has_top_p()) options.top_p = request.top_p();
  options.constrained = request.constrained();
  options.allow_unverified = request.allow_unverified();
  return options;
}

arts::v1::SolveRequest ToProto(const std::string& problem,
                               const search::SearchOptions& options) {
  arts::v1::SolveRequest request;
  request.set_problem(problem);
  if (options.task != backend::kDefaultTask) request.set_task(options.task);
  for (const auto& [proto, strategy] : kStrategies) {
    if (strategy == options.strategy &&
        proto != arts::v1::STRATEGY_UNSPECIFIED) {
      request.set_strategy(proto);
    }
  }
  arts::v1::SearchParams* params = request.mutable_params();
  params->set_n(options.n);
  params->set_beam_width(options.beam_width);
  // Unset options stay unset, so the server applies the strategy's default.
  if (options.proposals.has_value()) params->set_proposals(*options.proposals);
  params->set_expand_width(options.expand_width);
  params->set_flow_tilted(options.flow_tilted);
  params->set_tilt_pool(options.tilt_pool);
  for (const auto& [proto, aggregation] : kAggregations) {
    if (aggregation == options.aggregation &&
        proto != arts::v1::AGGREGATION_UNSPECIFIED) {
      params->set_aggregation(proto);
    }
  }
  params->set_stop_after_answers(options.stop_after_answers);
  params->set_stop_confidence(options.stop_confidence);
  request.set_top_n(options.top_n);
  if (options.max_tokens.has_value()) {
    request.mutable_budget()->set_max_tokens(*options.max_tokens);
  }
  request.mutable_budget()->set_max_expansions(options.max_expansions);
  request.set_seed(options.seed);
  request.set_temperature(options.temperature);
  request.set_top_p(options.top_p);
  request.set_constrained(options.constrained);
  request.set_allow_unverified(options.allow_unverified);
  return request;
}

arts::v1::Answer ToProto(const search::Answer& answer) {
  arts::v1::Answer out;
  for (const std::string& step : answer.steps) out.add_steps(step);
  out.set_final_value(answer.final_value);
  out.set_score(answer.score);
  for (double flow : answer.step_log_flows) out.add_step_log_flows(flow);
  out.set_logprob(answer.logprob);
  out.set_votes(answer.votes);
  out.set_vote_weight(answer.vote_weight);
  out.set_terminal(answer.terminal);
  out.set_check(ToProto(answer.check));
  return out;
}

arts::v1::CostReceipt ToProto(const search::CostReceipt& cost) {
  arts::v1::CostReceipt out;
  out.set_tokens_generated(cost.tokens_generated);
  out.set_generator_calls(cost.generator_calls);
  out.set_verifier_calls(cost.verifier_calls);
  out.set_traces_scored(cost.traces_scored);
  out.set_expansions(cost.expansions);
  out.set_wall_seconds(cost.wall_seconds);
  out.set_generator_queue_seconds(cost.generator_queue_seconds);
  out.set_generator_compute_seconds(cost.generator_compute_seconds);
  out.set_verifier_queue_seconds(cost.verifier_queue_seconds);
  out.set_verifier_compute_seconds(cost.verifier_compute_seconds);
  return out;
}

arts::v1::SolveResponse ToProto(const search::SearchResult& result,
                                search::Strategy strategy) {
  arts::v1::SolveResponse out;
  for (const search::Answer& answer : result.answers) {
    *out.add_answers() = ToProto(answer);
  }
  *out.mutable_cost() = ToProto(result.cost);
  out.set_verified(result.verified);
  out.set_strategy(search::StrategyName(strategy));
  out.set_stop_reason(result.stop_reason);
  return out;
}

search::SearchResult FromProto(const arts::v1::SolveResponse& response) {
  search::SearchResult result;
  for (const arts::v1::Answer& in : response.answers()) {
    search::Answer answer;
    answer.steps.assign(in.steps().begin(), in.steps().end());
    answer.final_value = in.final_value();
    answer.terminal = in.terminal();
    answer.score = in.score();
    answer.step_log_flows.assign(in.step_log_flows().begin(),
                                 in.step_log_flows().end());
    answer.logprob = in.logprob();
    answer.votes = in.votes();
    answer.vote_weight = in.vote_weight();
    answer.check = FromProto(in.check());
    result.answers.push_back(std::move(answer));
  }
  const arts::v1::CostReceipt& cost = response.cost();
  result.cost.tokens_generated = cost.tokens_generated();
  result.cost.generator_calls = cost.generator_calls();
  result.cost.verifier_calls = cost.verifier_calls();
  result.cost.traces_scored = cost.traces_scored();
  result.cost.expansions = cost.expansions();
  result.cost.wall_seconds = cost.wall_seconds();
  result.cost.generator_queue_seconds = cost.generator_queue_seconds();
  result.cost.generator_compute_seconds = cost.generator_compute_seconds();
  result.cost.verifier_queue_seconds = cost.verifier_queue_seconds();
  result.cost.verifier_compute_seconds = cost.verifier_compute_seconds();
  result.verified = response.verified();
  result.stop_reason = response.stop_reason();
  return result;
}

}  // namespace arts::backends
