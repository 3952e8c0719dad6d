#include "core/verifier/balance_loss.h"

#include <algorithm>
#include <cmath>
#include <limits>

namespace arts::verifier {

absl::StatusOr<torch::Tensor> SubTrajectoryBalanceLoss(
    const FlowVerifier& flow, const FlowVerifier& policy,
    const std::vector<const BalancePath*>& paths, double lambda,
    BackupWeights conservation) {
  if (conservation == BackupWeights::kPolicy) {
    return absl::InvalidArgumentError(
        "backup_weights: balance learns its own forward policy; use uniform "
        "or sum");
  }
  const bool mean = conservation == BackupWeights::kUniform;
  // Flat lists of what each network reads, and where each result goes in
  // the [paths, max states] matrices below.
  std::vector<TraceRef> flow_traces;       // the non-terminal states, then ends
  std::vector<TraceRef> policy_traces;     // every legal child, then taken
  std::vector<int64_t> child_group;        // a child's (path, state) group
  std::vector<int64_t> taken;              // the taken child of each group
  std::vector<int64_t> flow_at, group_at;  // flat [path * width + state]
  std::vector<int64_t> reward_at;
  std::vector<float> rewards;
  std::vector<float> log_n;    // per group: log of the legal steps' count
  std::vector<TraceRef> ends;  // the terminal states, for the leaf term
  size_t width = 0;
  for (const BalancePath* path : paths) {
    width = std::max(width, path->steps.size() + 1);
  }
  for (size_t p = 0; p < paths.size(); ++p) {
    const BalancePath& path = *paths[p];
    const size_t length = path.steps.size();
    std::vector<std::string> steps;
    for (size_t k = 0; k <= length; ++k) {
      const int64_t at = static_cast<int64_t>(p * width + k);
      if (k == length && path.terminal) {
        reward_at.push_back(at);
        rewards.push_back(static_cast<float>(path.log_reward));
        ends.push_back({path.problem, steps});
      } else {
        flow_traces.push_back({path.problem, steps});
        flow_at.push_back(at);
      }
      if (k == length) break;
      const int64_t group = static_cast<int64_t>(group_at.size());
      group_at.push_back(at + 1);  // log P_F(s_{k+1} | s_k) sits at k + 1
      log_n.push_back(static_cast<float>(
          std::log(static_cast<double>(path.legal[k].size()))));
      for (const std::string& child : path.legal[k]) {
        TraceRef trace{path.problem, steps};
        trace.steps.push_back(child);
        policy_traces.push_back(std::move(trace));
        child_group.push_back(group);
      }
      steps.push_back(path.steps[k]);
      taken.push_back(static_cast<int64_t>(policy_traces.size()));
      policy_traces.push_back({path.problem, steps});
      child_group.push_back(-1);  // not in the softmax: the taken state
    }
  }
  const int64_t groups = static_cast<int64_t>(group_at.size());
  if (groups == 0) {
    return absl::InvalidArgumentError("no path with a legal step");
  }
  const int64_t open_count = static_cast<int64_t>(flow_traces.size());
  flow_traces.insert(flow_traces.end(), ends.begin(), ends.end());
  absl::StatusOr<torch::Tensor> x_all = flow.LastOutputs(flow_traces);
  if (!x_all.ok()) return x_all.status();
  const torch::Tensor x_flow = x_all->narrow(0, 0, open_count);
  absl::StatusOr<torch::Tensor> g = policy.LastOutputs(policy_traces);
  if (!g.ok()) return g.status();

  // log P_F of each taken step: its logit minus its group's log-sum-exp.
  std::vector<int64_t> in_softmax, softmax_group;
  for (size_t i = 0; i < child_group.size(); ++i) {
    if (child_group[i] < 0) continue;
    in_softmax.push_back(static_cast<int64_t>(i));
    softmax_group.push_back(child_group[i]);
  }
  const torch::Tensor logits = g->index_select(0, torch::tensor(in_softmax));
  const torch::Tensor group = torch::tensor(softmax_group);
  // Each group's largest logit, for a stable log-sum-exp (no gradient).
  const torch::Tensor values = logits.detach().to(torch::kFloat).contiguous();
  std::vector<float> largest(groups, -std::numeric_limits<float>::infinity());
  for (size_t i = 0; i < softmax_group.size(); ++i) {
    float& top = largest[softmax_group[i]];
    top = std::max(top, values.data_ptr<float>()[i]);
  }
  const torch::Tensor top = torch::tensor(largest, logits.options());
  const torch::Tensor log_sum =
      torch::zeros({groups}, logits.options())
          .index_add(0, group, (logits - top.index_select(0, group)).exp())
          .log() +
      top;
  torch::Tensor log_pf = g->index_select(0, torch::tensor(taken)) - log_sum;
  // Mean conservation, F(s) = (1/n) sum_c F(s.c): detailed balance reads
  // F(s) P_F(c|s) = F(s.c) / n(s), i.e. P_F relative to uniform play.
  if (mean) log_pf = log_pf - torch::tensor(log_n, log_pf.options());

  // u_k = log F(s_k) - sum_{t<k} log P_F(s_{t+1} | s_t) (less log n(s_t)
  // with mean conservation), so that delta(i, j) = u_i - u_j.
  const int64_t rows = static_cast<int64_t>(paths.size());
  const int64_t cols = static_cast<int64_t>(width);
  const auto options = logits.options();
  torch::Tensor log_flow =
      torch::zeros({rows * cols}, options)
          .index_put({torch::tensor(flow_at)}, torch::log_sigmoid(x_flow));
  if (!reward_at.empty()) {
    log_flow = log_flow.index_put({torch::tensor(reward_at)},
                                  torch::tensor(rewards, options));
  }
  const torch::Tensor cumulative =
      torch::zeros({rows * cols}, options)
          .index_put({torch::tensor(group_at)}, log_pf)
          .view({rows, cols})
          .cumsum(1);
  const torch::Tensor u = log_flow.view({rows, cols}) - cumulative;
  // Weights lambda^(j - i - 1) for i < j <= L of each path, else 0.
  std::vector<float> term_weights(paths.size() * width * width, 0.0f);
  for (size_t p = 0; p < paths.size(); ++p) {
    const size_t length = paths[p]->steps.size();
    for (size_t i = 0; i <= length; ++i) {
      for (size_t j = i + 1; j <= length; ++j) {
        term_weights[(p * width + i) * width + j] = static_cast<float>(
            std::pow(lambda, static_cast<double>(j - i - 1)));
      }
    }
  }
  const torch::Tensor w =
      torch::tensor(term_weights, options).view({rows, cols, cols});
  const torch::Tensor delta = u.unsqueeze(2) - u.unsqueeze(1);
  const torch::Tensor per_path = (w * delta.pow(2)).sum({1, 2}) / w.sum({1, 2});
  if (ends.empty()) return per_path.mean();
  // The served verifier also scores complete traces: the network learns
  // each terminal's reward (clamped below 0, where log sigmoid reaches).
  const torch::Tensor end_log_flow = torch::log_sigmoid(
      x_all->narrow(0, open_count, static_cast<int64_t>(ends.size())));
  const torch::Tensor end_targets =
      torch::tensor(rewards, options).clamp_max(-1e-3);
  return per_path.mean() + (end_log_flow - end_targets).pow(2).mean();
}

}  // namespace arts::verifier
