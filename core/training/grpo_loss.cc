#include "core/training/grpo_loss.h"

#include <cmath>

namespace arts::training {

std::vector<double> GroupRelativeAdvantages(const std::vector<double>& rewards,
                                            int group_size, double eps) {
  std::vector<double> advantages(rewards.size(), 0.0);
  for (size_t first = 0; first + group_size <= rewards.size();
       first += group_size) {
    double mean = 0;
    for (int i = 0; i < group_size; ++i) mean += rewards[first + i];
    mean /= group_size;
    double variance = 0;
    for (int i = 0; i < group_size; ++i) {
      variance += (rewards[first + i] - mean) * (rewards[first + i] - mean);
    }
    const double std = std::sqrt(variance / group_size);
    if (std == 0) continue;  // all equal: no signal, advantage 0
    for (int i = 0; i < group_size; ++i) {
      advantages[first + i] = (rewards[first + i] - mean) / (std + eps);
    }
  }
  return advantages;
}

GrpoLoss ComputeGrpoLoss(const torch::Tensor& logprobs,
                         const torch::Tensor& old_logprobs,
                         const torch::Tensor& ref_logprobs,
                         const torch::Tensor& mask,
                         const torch::Tensor& advantages,
                         const GrpoLossOptions& options) {
  const torch::Tensor m = mask.to(torch::kFloat);
  const torch::Tensor ratio = torch::exp(logprobs - old_logprobs);
  const torch::Tensor a = advantages.unsqueeze(1);
  const torch::Tensor unclipped = ratio * a;
  const torch::Tensor clipped =
      torch::clamp(ratio, 1 - options.clip, 1 + options.clip) * a;
  const torch::Tensor objective = torch::min(unclipped, clipped);
  const torch::Tensor log_ratio_ref = ref_logprobs - logprobs;
  const torch::Tensor k3 = torch::exp(log_ratio_ref) - log_ratio_ref - 1;
  const torch::Tensor tokens = m.sum(1).clamp_min(1);
  auto per_sequence = [&](const torch::Tensor& t) {
    return ((t * m).sum(1) / tokens).mean();
  };
  GrpoLoss loss;
  loss.surrogate = per_sequence(objective);
  loss.kl = per_sequence(k3);
  loss.total = -(loss.surrogate - options.kl_coefficient * loss.kl);
  loss.clipped_fraction =
      per_sequence((unclipped != clipped).to(torch::kFloat)).detach();
  return loss;
}

}  // namespace arts::training
