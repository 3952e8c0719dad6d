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
  options.trace_tree = request.trace_tree();
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
  request.set_trace_tree(options.trace_tree);
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
  if (result.tree.has_value()) *out.mutable_tree() = ToProto(*result.tree);
  return out;
}

search::CostReceipt CostFromProto(const arts::v1::CostReceipt& cost) {
  search::CostReceipt out;
  out.tokens_generated = cost.tokens_generated();
  out.generator_calls = cost.generator_calls();
  out.verifier_calls = cost.verifier_calls();
  out.traces_scored = cost.traces_scored();
  out.expansions = cost.expansions();
  out.wall_seconds = cost.wall_seconds();
  out.generator_queue_seconds = cost.generator_queue_seconds();
  out.generator_compute_seconds = cost.generator_compute_seconds();
  out.verifier_queue_seconds = cost.verifier_queue_seconds();
  out.verifier_compute_seconds = cost.verifier_compute_seconds();
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
  result.cost = CostFromProto(response.cost());
  result.verified = response.verified();
  result.stop_reason = response.stop_reason();
  if (response.has_tree()) result.tree = FromProto(response.tree());
  return result;
}

namespace {

constexpr std::pair<arts::v1::NodeState, search::NodeState> kNodeStates[] = {
    {arts::v1::NODE_OPEN, search::NodeState::kOpen},
    {arts::v1::NODE_EXPANDED, search::NodeState::kExpanded},
    {arts::v1::NODE_ANSWER, search::NodeState::kAnswer},
    {arts::v1::NODE_INVALID, search::NodeState::kInvalid},
    {arts::v1::NODE_DEAD, search::NodeState::kDead},
    {arts::v1::NODE_BUDGET, search::NodeState::kBudget},
    {arts::v1::NODE_BEATEN, search::NodeState::kBeaten},
};

constexpr std::pair<arts::v1::TreeEvent::Change, search::TreeChange>
    kChanges[] = {
        {arts::v1::TreeEvent::CREATED, search::TreeChange::kCreated},
        {arts::v1::TreeEvent::DRAWN_AGAIN, search::TreeChange::kDrawnAgain},
        {arts::v1::TreeEvent::SCORED, search::TreeChange::kScored},
        {arts::v1::TreeEvent::EXPANDED, search::TreeChange::kExpanded},
        {arts::v1::TreeEvent::CLOSED, search::TreeChange::kClosed},
};

}  // namespace

arts::v1::TreeEvent::Change ToProto(search::TreeChange change) {
  for (const auto& [proto, core] : kChanges) {
    if (core == change) return proto;
  }
  return arts::v1::TreeEvent::CHANGE_UNSPECIFIED;
}

search::TreeChange FromProto(arts::v1::TreeEvent::Change change) {
  for (const auto& [proto, core] : kChanges) {
    if (proto == change) return core;
  }
  return search::TreeChange::kCreated;
}

arts::v1::TreeNode ToProto(const search::TreeNode& node) {
  arts::v1::TreeNode out;
  out.set_id(node.id);
  out.set_parent(node.parent);
  for (const std::string& step : node.steps) out.add_steps(step);
  out.set_logprob(node.logprob);
  out.set_tokens(node.tokens);
  out.set_draws(node.draws);
  out.set_valid(node.valid);
  out.set_terminal(node.terminal);
  out.set_answer(node.answer);
  if (node.log_flow.has_value()) out.set_log_flow(*node.log_flow);
  out.set_expansions(node.expansions);
  for (const auto& [proto, core] : kNodeStates) {
    if (core == node.state) out.set_state(proto);
  }
  out.set_check(ToProto(node.check));
  out.set_answer_rank(node.answer_rank);
  return out;
}

search::TreeNode FromProto(const arts::v1::TreeNode& in) {
  search::TreeNode node;
  node.id = in.id();
  node.parent = in.parent();
  node.steps.assign(in.steps().begin(), in.steps().end());
  node.logprob = in.logprob();
  node.tokens = in.tokens();
  node.draws = in.draws();
  node.valid = in.valid();
  node.terminal = in.terminal();
  node.answer = in.answer();
  if (in.has_log_flow()) node.log_flow = in.log_flow();
  node.expansions = in.expansions();
  for (const auto& [proto, core] : kNodeStates) {
    if (proto == in.state()) node.state = core;
  }
  node.check = FromProto(in.check());
  node.answer_rank = in.answer_rank();
  return node;
}

arts::v1::SearchTree ToProto(const search::SearchTree& tree) {
  arts::v1::SearchTree out;
  out.set_version(tree.version);
  out.set_problem(tree.problem);
  out.set_strategy(tree.strategy);
  out.set_stop_reason(tree.stop_reason);
  *out.mutable_cost() = ToProto(tree.cost);
  for (const search::TreeNode& node : tree.nodes) {
    *out.add_nodes() = ToProto(node);
  }
  return out;
}

search::SearchTree FromProto(const arts::v1::SearchTree& in) {
  search::SearchTree tree;
  tree.version = in.version();
  tree.problem = in.problem();
  tree.strategy = in.strategy();
  tree.stop_reason = in.stop_reason();
  tree.cost = CostFromProto(in.cost());
  for (const arts::v1::TreeNode& node : in.nodes()) {
    tree.nodes.push_back(FromProto(node));
  }
  return tree;
}

}  // namespace arts::backends
