#ifndef ARTS_CORE_TRAINING_GRPO_LOSS_H_
#define ARTS_CORE_TRAINING_GRPO_LOSS_H_

#include <torch/torch.h>

#include <vector>

namespace arts::training {

// Group-relative advantages (GRPO, Shao et al. 2024): each sample's reward
// minus its group's mean, over the group's standard deviation (+ eps). A
// group whose rewards are all equal gets advantage 0 everywhere: it carries
// no signal about which sample is better. `group_size` divides the size.
std::vector<double> GroupRelativeAdvantages(const std::vector<double>& rewards,
                                            int group_size, double eps = 1e-6);

struct GrpoLossOptions {
  double clip = 0.2;  // the ratio is clipped to [1 - clip, 1 + clip]
  // Weight of the KL penalty to the frozen base policy, estimated per token
  // with k3 = exp(ref - new) - (ref - new) - 1 (>= 0, unbiased for
  // KL(new || ref) under samples from new).
  double kl_coefficient = 0.04;
};

struct GrpoLoss {
  torch::Tensor total;      // to minimize
  torch::Tensor surrogate;  // mean clipped policy objective (to maximize)
  torch::Tensor kl;         // mean per-token k3 estimate
  torch::Tensor clipped_fraction;  // tokens whose ratio was clipped
};

// The GRPO loss over a batch of sampled sequences. Token tensors are
// [sequences, tokens]: the current policy's log-probabilities (with grad),
// the sampling policy's and the frozen base's (no grad), and a mask of the
// tokens the model sampled (1) against padding and calculator text (0).
// `advantages` is [sequences]. Each sequence's token terms are averaged
// over its own tokens, then sequences are averaged:
//   L = -mean_i (1/|o_i|) sum_t [min(rho_t A_i, clip(rho_t) A_i)
//                                - beta * k3_t].
GrpoLoss ComputeGrpoLoss(const torch::Tensor& logprobs,
                         const torch::Tensor& old_logprobs,
                         const torch::Tensor& ref_logprobs,
                         const torch::Tensor& mask,
                         const torch::Tensor& advantages,
                         const GrpoLossOptions& options);

}  // namespace arts::training

#endif  // ARTS_CORE_TRAINING_GRPO_LOSS_H_
