#include "core/eval/verifier_eval.h"

#include <algorithm>
#include <cmath>
#include <limits>
#include <numeric>
#include <random>
#include <set>

#include "absl/strings/str_format.h"
#include "core/countdown/checker.h"
#include "core/countdown/solver.h"

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

std::string VerifierEvalResult::Summary() const {
  return absl::StrFormat(
      "auc_one_step=%.4f (%d states, %d reachable) auc_two_steps=%.4f (%d "
      "states, %d reachable) spearman_mc=%.4f (%d states)",
      auc_one_step, states_one_step, reachable_one_step, auc_two_steps,
      states_two_steps, reachable_two_steps, spearman_mc, mc_states);
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
    std::vector<double> flow, mc;
    std::set<std::string> mc_problems;
    for (size_t i = 0; i < depth[0].size(); ++i) {
      const verifier::TraceRef& trace = depth[0][i].trace;
      if (mc_problems.count(trace.problem) == 0) {
        if (static_cast<int>(mc_problems.size()) >= options.mc_problems) {
          continue;
        }
        mc_problems.insert(trace.problem);
      }
      model::ProposeRequest request;
      request.problem = trace.problem;
      request.prefixes = {trace.steps};
      request.num_candidates = options.mc_samples;
      request.max_steps = 0;
      request.sampling.seed = options.seed + i;
      const countdown::Problem problem =
          *countdown::ParseProblem(trace.problem);
      int correct = 0;
      auto status = generator->Propose(request, [&](model::Candidate c) {
        std::vector<std::string> steps = trace.steps;
        steps.insert(steps.end(), c.steps.begin(), c.steps.end());
        correct += countdown::CheckTrace(problem, steps).correct;
      });
      if (!status.ok()) return status.status();
      flow.push_back(one_step_scores[i]);
      mc.push_back(double(correct) / options.mc_samples);
    }
    result.spearman_mc = SpearmanCorrelation(flow, mc);
    result.mc_states = static_cast<int64_t>(flow.size());
  }
  return result;
}

}  // namespace arts::eval
