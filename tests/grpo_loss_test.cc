#include "core/training/grpo_loss.h"

#include <cmath>
#include <vector>

#include "gtest/gtest.h"

namespace arts::training {
namespace {

TEST(GrpoLossTest, AdvantagesAreRelativeToTheGroup) {
  // Two groups of 4: one correct of four; all equal (no signal).
  const std::vector<double> a =
      GroupRelativeAdvantages({1, 0, 0, 0, 1, 1, 1, 1}, 4, 0);
  const double std = std::sqrt(0.75 * 0.25);  // rewards 1,0,0,0: p = 1/4
  EXPECT_NEAR(a[0], 0.75 / std, 1e-12);
  EXPECT_NEAR(a[1], -0.25 / std, 1e-12);
  EXPECT_NEAR(a[0] + a[1] + a[2] + a[3], 0, 1e-12);
  for (int i = 4; i < 8; ++i) EXPECT_EQ(a[i], 0);
}

// One sequence of two sampled tokens and a padding token.
struct OneSequence {
  torch::Tensor logprobs, old_logprobs, ref_logprobs, mask;
};

OneSequence Make(double new_lp, double old_lp, double ref_lp) {
  OneSequence s;
  s.logprobs = torch::full({1, 3}, new_lp, torch::kDouble).requires_grad_();
  s.old_logprobs = torch::full({1, 3}, old_lp, torch::kDouble);
  s.ref_logprobs = torch::full({1, 3}, ref_lp, torch::kDouble);
  s.mask = torch::tensor({{1, 1, 0}});
  return s;
}

TEST(GrpoLossTest, OnPolicyWithoutKlIsTheAdvantage) {
  OneSequence s = Make(-1, -1, -1);
  GrpoLoss loss =
      ComputeGrpoLoss(s.logprobs, s.old_logprobs, s.ref_logprobs, s.mask,
                      torch::tensor({2.0}, torch::kDouble), {});
  EXPECT_NEAR(loss.surrogate.item<double>(), 2, 1e-12);  // ratio 1
  EXPECT_NEAR(loss.kl.item<double>(), 0, 1e-12);
  EXPECT_NEAR(loss.total.item<double>(), -2, 1e-12);
  loss.total.backward();
  // A positive advantage raises the sampled tokens' log-probabilities; the
  // padding token gets no gradient.
  EXPECT_LT(s.logprobs.grad()[0][0].item<double>(), 0);
  EXPECT_EQ(s.logprobs.grad()[0][2].item<double>(), 0);
}

TEST(GrpoLossTest, TheRatioIsClipped) {
  GrpoLossOptions options;
  options.kl_coefficient = 0;
  // ratio e^0.5 = 1.65 > 1.2 with a positive advantage: clipped at 1.2,
  // no gradient.
  OneSequence up = Make(-0.5, -1, -1);
  GrpoLoss loss =
      ComputeGrpoLoss(up.logprobs, up.old_logprobs, up.ref_logprobs, up.mask,
                      torch::tensor({1.0}, torch::kDouble), options);
  EXPECT_NEAR(loss.surrogate.item<double>(), 1.2, 1e-12);
  EXPECT_NEAR(loss.clipped_fraction.item<double>(), 1, 1e-12);
  loss.total.backward();
  EXPECT_EQ(up.logprobs.grad()[0][0].item<double>(), 0);
  // The same ratio with a negative advantage is not clipped (min keeps the
  // pessimistic, unclipped term), so the gradient lowers the tokens.
  OneSequence down = Make(-0.5, -1, -1);
  loss = ComputeGrpoLoss(down.logprobs, down.old_logprobs, down.ref_logprobs,
                         down.mask, torch::tensor({-1.0}, torch::kDouble),
                         options);
  EXPECT_NEAR(loss.surrogate.item<double>(), -std::exp(0.5), 1e-12);
  loss.total.backward();
  EXPECT_GT(down.logprobs.grad()[0][0].item<double>(), 0);
}

TEST(GrpoLossTest, KlPenaltyPullsTowardTheBase) {
  GrpoLossOptions options;
  options.kl_coefficient = 0.5;
  // The policy puts more mass on the tokens than the base does.
  OneSequence s = Make(-0.5, -0.5, -1.0);
  GrpoLoss loss =
      ComputeGrpoLoss(s.logprobs, s.old_logprobs, s.ref_logprobs, s.mask,
                      torch::tensor({0.0}, torch::kDouble), options);
  const double d = -0.5;  // ref - new
  EXPECT_NEAR(loss.kl.item<double>(), std::exp(d) - d - 1, 1e-12);
  EXPECT_GT(loss.kl.item<double>(), 0);
  loss.total.backward();
  // Minimizing the penalty lowers log pi toward the base's.
  EXPECT_GT(s.logprobs.grad()[0][0].item<double>(), 0);
  // Below the base it raises it.
  OneSequence below = Make(-1.5, -1.5, -1.0);
  loss = ComputeGrpoLoss(below.logprobs, below.old_logprobs, below.ref_logprobs,
                         below.mask, torch::tensor({0.0}, torch::kDouble),
                         options);
  loss.total.backward();
  EXPECT_LT(below.logprobs.grad()[0][0].item<double>(), 0);
}

}  // namespace
}  // namespace arts::training
