#include "core/eval/verifier_eval.h"

#include <algorithm>
#include <cmath>
#include <limits>
#include <numeric>
#include <random>
#include <set>

#include "absl/strings/match.h"
#include "absl/strings/str_format.h"
#include "core/countdown/checker.h"
#include "core/countdown/solver.h"
#include "core/model/propose_in_order.h"

namespace arts::eval {
namespace {

std::vector<double> Ranks(const std::vector<double>& values) {
  std::vector<size_t> order(values.size());
  std::iota(order.begin(), order.end(), 0);
  std::sort(order.begin(), order.end(),
            [&](size_t a, size_t b) { return values[a] < values[b]; });
  std::vector<double> ranks(values.size());
  for (size_t i = 0; i < order.size();) {
    size_t j = i;
    while (j + 1 < order.size() && values[order[j + 1]] == values[order[i]]) {
      ++j;
    }
    for (size_t k = i; k <= j; ++k) ranks[order[k]] = (i + j) / 2.0 + 1;
    i = j + 1;
  }
  return ranks;
}

// The distinct legal steps from `state` (by text).
std::vector<countdown::Step> LegalSteps(const countdown::State& state) {
  std::vector<countdown::Step> steps;
  std::set<std::string> seen;
  for (size_t i = 0; i < state.left.size(); ++i) {
    for (size_t j = 0; j < state.left.size(); ++j) {
      if (i == j) continue;
      for (char op : {'+', '-', '*', '/'}) {
        auto step =
            countdown::CompleteStep(state, state.left[i], op, state.left[j]);
        if (step.ok() && seen.insert(countdown::FormatStep(*step)).second) {
          steps.push_back(*step);
        }
      }
    }
  }
  return steps;
}

struct LabelledState {
  verifier::TraceRef trace;
  bool reachable = false;
};

// Samples with the generator; returns the candidates, sorted by index.
absl::StatusOr<std::vector<model::Candidate>> Sample(
    const model::Generator& generator, const verifier::TraceRef& from, int n,
    int max_steps, const VerifierEvalOptions& options, uint64_t seed) {
  model::ProposeRequest request;
  request.problem = from.problem;
  request.prefixes = {from.steps};
  request.num_candidates = n;
  request.max_steps = max_steps;
  request.sampling.seed = seed;
  request.sampling.constrained = options.constrained;
  return model::ProposeInOrder(generator, request);
}

absl::Status EvaluateOnSampledStates(
    const verifier::FlowVerifier& verifier, const model::Generator& generator,
    const std::vector<countdown::Problem>& problems,
    const VerifierEvalOptions& options, VerifierEvalResult& result) {
  uint64_t seed = options.seed * 1'000'003;
  std::vector<LabelledState> states;
  std::set<std::pair<std::string, std::vector<std::string>>> seen;
  const int count =
      std::min(options.mc_problems, static_cast<int>(problems.size()));
  for (int p = 0; p < count; ++p) {
    const countdown::Problem& problem = problems[p];
    const verifier::TraceRef root{countdown::FormatProblem(problem), {}};
    auto add = [&](const verifier::TraceRef& trace) {
      if (!seen.insert({trace.problem, trace.steps}).second) return;
      const countdown::TraceVerdict verdict =
          countdown::CheckTrace(problem, trace.steps);
      if (!verdict.valid || verdict.terminal) return;
      states.push_back({trace, countdown::IsSolvable(verdict.state)});
    };
    auto firsts =
        Sample(generator, root, options.mc_states, 1, options, ++seed);
    if (!firsts.ok()) return firsts.status();
    for (const model::Candidate& first : *firsts) {
      if (!first.valid || first.terminal) continue;
      const verifier::TraceRef one{root.problem, first.steps};
      add(one);
      auto second = Sample(generator, one, 1, 1, options, ++seed);
      if (!second.ok()) return second.status();
      if (second->empty() || !(*second)[0].valid || (*second)[0].terminal) {
        continue;
      }
      verifier::TraceRef two = one;
      two.steps.push_back((*second)[0].steps.back());
      add(two);
    }
  }
  std::vector<double> log_flow, observed;
  std::vector<bool> reachable, some_success;
  for (size_t i = 0; i < states.size(); ++i) {
    const verifier::TraceRef& trace = states[i].trace;
    auto scored = verifier.Score({trace});
    if (!scored.ok()) return scored.status();
    auto rollouts =
        Sample(generator, trace, options.mc_samples, 0, options, ++seed);
    if (!rollouts.ok()) return rollouts.status();
    const countdown::Problem problem = *countdown::ParseProblem(trace.problem);
    int correct = 0;
    for (const model::Candidate& c : *rollouts) {
      std::vector<std::string> steps = trace.steps;
      steps.insert(steps.end(), c.steps.begin(), c.steps.end());
      correct += countdown::CheckTrace(problem, steps).correct;
    }
    log_flow.push_back((*scored)[0].back());
    observed.push_back(double(correct) / options.mc_samples);
    reachable.push_back(states[i].reachable);
    some_success.push_back(correct > 0);
  }
  result.mc_states = static_cast<int64_t>(states.size());
  result.mc_reachable = std::count(reachable.begin(), reachable.end(), true);
  result.spearman_mc = SpearmanCorrelation(log_flow, observed);
  result.auc_sampled = Auc(log_flow, reachable);
  for (size_t depth : {1, 2}) {
    std::vector<double> scores;
    std::vector<bool> labels;
    for (size_t i = 0; i < states.size(); ++i) {
      if (states[i].trace.steps.size() != depth) continue;
      scores.push_back(log_flow[i]);
      labels.push_back(reachable[i]);
    }
    (depth == 1 ? result.auc_sampled_one_step : result.auc_sampled_two_steps) =
        Auc(scores, labels);
  }
  result.auc_mc_success = Auc(log_flow, some_success);
  // Calibration: a flow verifier's floor comes from its training metadata.
  double log_epsilon = -std::numeric_limits<double>::infinity();
  const auto& metadata = verifier.metadata();
  auto objective = metadata.find("objective");
  auto floor = metadata.find("log_epsilon");
  if (objective != metadata.end() &&
      absl::StartsWith(objective->second, "flow") && floor != metadata.end()) {
    log_epsilon = std::stod(floor->second);
  }
  const double edges[] = {0, 0.1, 0.2, 0.4, 0.6, 1.0 + 1e-9};
  for (int b = 0; b + 1 < 6; ++b) {
    CalibrationBin bin{edges[b], std::min(1.0, edges[b + 1])};
    for (size_t i = 0; i < log_flow.size(); ++i) {
      const double p = PredictedSuccess(log_flow[i], log_epsilon);
      if (p >= edges[b] && p < edges[b + 1]) {
        ++bin.states;
        bin.mean_predicted += p;
        bin.mean_observed += observed[i];
      }
    }
    if (bin.states > 0) {
      bin.mean_predicted /= bin.states;
      bin.mean_observed /= bin.states;
    }
    result.calibration.push_back(bin);
  }
  return absl::OkStatus();
}

}  // namespace

double Auc(const std::vector<double>& scores, const std::vector<bool>& labels) {
  std::vector<double> ranks = Ranks(scores);
  double positives = 0, rank_sum = 0;
  for (size_t i = 0; i < labels.size(); ++i) {
    if (labels[i]) {
      positives += 1;
      rank_sum += ranks[i];
    }
  }
  const double negatives = labels.size() - positives;
  if (positives == 0 || negatives == 0) {
    return std::numeric_limits<double>::quiet_NaN();
  }
  return (rank_sum - positives * (positives + 1) / 2) / (positives * negatives);
}

double SpearmanCorrelation(const std::vector<double>& a,
                           const std::vector<double>& b) {
  std::vector<double> ra = Ranks(a), rb = Ranks(b);
  const double n = static_cast<double>(a.size());
  const double mean = (n + 1) / 2;
  double cov = 0, va = 0, vb = 0;
  for (size_t i = 0; i < a.size(); ++i) {
    cov += (ra[i] - mean) * (rb[i] - mean);
    va += (ra[i] - mean) * (ra[i] - mean);
    vb += (rb[i] - mean) * (rb[i] - mean);
  }
  if (va == 0 || vb == 0) return std::numeric_limits<double>::quiet_NaN();
  return cov / std::sqrt(va * vb);
}

double PredictedSuccess(double log_flow, double log_epsilon) {
  const double floor = std::exp(log_epsilon);
  return std::clamp((std::exp(log_flow) - floor) / (1 - floor), 0.0, 1.0);
}

std::string VerifierEvalResult::Summary() const {
  return absl::StrFormat(
      "auc_one_step=%.4f (%d states, %d reachable) auc_two_steps=%.4f (%d "
      "states, %d reachable) sampled: auc_reachable=%.4f (one step %.4f, two "
      "steps %.4f) auc_mc_success=%.4f spearman_mc=%.4f (%d states, %d "
      "reachable)",
      auc_one_step, states_one_step, reachable_one_step, auc_two_steps,
      states_two_steps, reachable_two_steps, auc_sampled, auc_sampled_one_step,
      auc_sampled_two_steps, auc_mc_success, spearman_mc, mc_states,
      mc_reachable);
}

std::string VerifierEvalResult::CalibrationTable() const {
  std::string table =
      "| predicted P | states | mean predicted | mean Monte Carlo |\n"
      "| --- | --- | --- | --- |\n";
  for (const CalibrationBin& bin : calibration) {
    table +=
        absl::StrFormat("| %.1f-%.1f | %d | %.3f | %.3f |\n", bin.low, bin.high,
                        bin.states, bin.mean_predicted, bin.mean_observed);
  }
  return table;
}

absl::StatusOr<VerifierEvalResult> EvaluateVerifier(
    const verifier::FlowVerifier& verifier, const model::Generator* generator,
    const std::vector<countdown::Problem>& problems,
    const VerifierEvalOptions& options) {
  std::mt19937_64 rng(options.seed);
  std::vector<LabelledState> depth[2];
  for (const countdown::Problem& problem : problems) {
    const std::string text = countdown::FormatProblem(problem);
    const countdown::State start = countdown::InitialState(problem);
    std::vector<LabelledState> one, two;
    for (const countdown::Step& first : LegalSteps(start)) {
      countdown::State after_one{problem, first.left};
      one.push_back({{text, {countdown::FormatStep(first)}},
                     countdown::IsSolvable(after_one)});
      for (const countdown::Step& second : LegalSteps(after_one)) {
        countdown::State after_two{problem, second.left};
        two.push_back(
            {{text,
              {countdown::FormatStep(first), countdown::FormatStep(second)}},
             countdown::IsSolvable(after_two)});
      }
    }
    for (auto* states : {&one, &two}) {
      std::shuffle(states->begin(), states->end(), rng);
      if (static_cast<int>(states->size()) > options.max_states_per_problem) {
        states->resize(options.max_states_per_problem);
      }
    }
    depth[0].insert(depth[0].end(), one.begin(), one.end());
    depth[1].insert(depth[1].end(), two.begin(), two.end());
  }
  VerifierEvalResult result;
  std::vector<double> one_step_scores;
  for (int d = 0; d < 2; ++d) {
    std::vector<double> scores;
    std::vector<bool> labels;
    for (size_t i = 0; i < depth[d].size(); i += 256) {
      std::vector<verifier::TraceRef> chunk;
      for (size_t j = i; j < std::min(depth[d].size(), i + 256); ++j) {
        chunk.push_back(depth[d][j].trace);
        labels.push_back(depth[d][j].reachable);
      }
      auto scored = verifier.Score(chunk);
      if (!scored.ok()) return scored.status();
      for (const auto& s : *scored) scores.push_back(s.back());
    }
    const int64_t reachable = std::count(labels.begin(), labels.end(), true);
    if (d == 0) {
      result.auc_one_step = Auc(scores, labels);
      result.states_one_step = static_cast<int64_t>(labels.size());
      result.reachable_one_step = reachable;
      one_step_scores = scores;
    } else {
      result.auc_two_steps = Auc(scores, labels);
      result.states_two_steps = static_cast<int64_t>(labels.size());
      result.reachable_two_steps = reachable;
    }
  }
  if (generator != nullptr) {
    absl::Status sampled = EvaluateOnSampledStates(verifier, *generator,
                                                   problems, options, result);
    if (!sampled.ok()) return sampled;
  }
  return result;
}

}  // namespace arts::eval
