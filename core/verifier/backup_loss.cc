#include "core/verifier/backup_loss.h"

#include <algorithm>
#include <cmath>

#include "core/verifier/flow_verifier.h"
#include "core/verifier/prefix_cache.h"

namespace arts::verifier {
absl::StatusOr<torch::Tensor> StateOutputs(
    const FlowVerifier& net, const std::vector<const BackupState*>& states) {
  std::vector<TraceRef> traces;
  traces.reserve(states.size());
  for (const BackupState* state : states) {
    traces.push_back({state->problem, state->steps});
  }
  return net.LastOutputs(traces);
}

absl::StatusOr<torch::Tensor> BackupTargets(
    const FlowVerifier& target, const std::vector<const BackupState*>& states,
    size_t chunk, size_t samples, std::mt19937_64* rng) {
  // Children whose value the network gives, and where each one's goes.
  std::vector<TraceRef> parents, open;
  std::vector<std::pair<size_t, size_t>> open_at;  // (state, term)
  // Per state, a term log w + log V per child taken (and its importance).
  std::vector<std::vector<double>> values(states.size());
  std::vector<double> log_importance(states.size(), 0.0);
  std::vector<std::vector<size_t>> taken_of(states.size());  // child indices
  for (size_t s = 0; s < states.size(); ++s) {
    const BackupState& state = *states[s];
    const size_t n = state.children.size();
    std::vector<size_t>& taken = taken_of[s];
    if (samples > 0 && rng != nullptr && n > samples) {
      std::uniform_int_distribution<size_t> pick(0, n - 1);
      for (size_t k = 0; k < samples; ++k) taken.push_back(pick(*rng));
      log_importance[s] = std::log(static_cast<double>(n) / samples);
    } else {
      for (size_t c = 0; c < n; ++c) taken.push_back(c);
    }
    values[s].resize(taken.size());
    bool has_open = false;
    for (size_t t = 0; t < taken.size(); ++t) {
      const BackupChild& child = state.children[taken[t]];
      if (child.leaf) {
        values[s][t] = child.log_weight + child.log_reward;
        continue;
      }
      TraceRef trace{state.problem, state.steps};
      trace.steps.push_back(child.step);
      open.push_back(std::move(trace));
      open_at.emplace_back(s, t);
      has_open = true;
    }
    if (has_open) parents.push_back({state.problem, state.steps});
  }
  // Room for every parent's keys and values: a step's cache is thrown away.
  PrefixCache cache(int64_t{1} << 30);
  // The state network reads each child's last state alone: no cache to
  // fill, and no earlier prefix to score.
  const bool by_state = target.architecture() == "state";
  auto score = [&](const std::vector<TraceRef>& traces, size_t begin,
                   size_t end) -> absl::StatusOr<std::vector<double>> {
    std::vector<TraceRef> part(traces.begin() + begin, traces.begin() + end);
    if (by_state) {
      torch::NoGradGuard no_grad;
      absl::StatusOr<torch::Tensor> x = target.LastOutputs(part);
      if (!x.ok()) return x.status();
      const torch::Tensor log_flow =
          torch::log_sigmoid(*x).to(torch::kFloat64).contiguous();
      return std::vector<double>(log_flow.data_ptr<double>(),
                                 log_flow.data_ptr<double>() + part.size());
    }
    absl::StatusOr<std::vector<EncodedTrace>> encoded = target.Encode(part);
    if (!encoded.ok()) return encoded.status();
    std::vector<const EncodedTrace*> pointers;
    for (const EncodedTrace& e : *encoded) pointers.push_back(&e);
    absl::StatusOr<std::vector<std::vector<double>>> scores =
        target.ScoreEncoded(pointers, &cache);
    if (!scores.ok()) return scores.status();
    std::vector<double> last;
    for (const std::vector<double>& s : *scores) last.push_back(s.back());
    return last;
  };
  for (size_t begin = 0; !by_state && begin < parents.size(); begin += chunk) {
    absl::StatusOr<std::vector<double>> scored =
        score(parents, begin, std::min(parents.size(), begin + chunk));
    if (!scored.ok()) return scored.status();
  }
  // The state network is small enough to read many more states at once.
  const size_t open_chunk = by_state ? std::max<size_t>(chunk, 4096) : chunk;
  for (size_t begin = 0; begin < open.size(); begin += open_chunk) {
    const size_t end = std::min(open.size(), begin + open_chunk);
    absl::StatusOr<std::vector<double>> scored = score(open, begin, end);
    if (!scored.ok()) return scored.status();
    for (size_t i = begin; i < end; ++i) {
      const auto [s, t] = open_at[i];
      values[s][t] =
          states[s]->children[taken_of[s][t]].log_weight + (*scored)[i - begin];
    }
  }
  std::vector<float> targets(states.size());
  for (size_t s = 0; s < states.size(); ++s) {
    if (states[s]->leaf) {
      targets[s] = static_cast<float>(states[s]->leaf_log_reward);
      continue;
    }
    targets[s] = static_cast<float>(LogSumExp(values[s]) + log_importance[s]);
  }
  return torch::tensor(targets);
}

torch::Tensor BackupLoss(const torch::Tensor& outputs,
                         const torch::Tensor& targets) {
  // log sigmoid < 0: a target at or above 0 would pull x to infinity.
  return (torch::log_sigmoid(outputs) - targets.clamp_max(-1e-3)).pow(2).mean();
}

}  // namespace arts::verifier
