#include "core/eval/verifier_eval.h"

#include <cmath>
#include <limits>

#include "gtest/gtest.h"
#include "tests/test_support.h"
#include "tests/tiny_models.h"

namespace arts::eval {
namespace {

TEST(VerifierEvalTest, AucCountsOrderedPairs) {
  EXPECT_DOUBLE_EQ(Auc({0.9, 0.8, 0.1, 0.2}, {true, true, false, false}), 1);
  EXPECT_DOUBLE_EQ(Auc({0.1, 0.2, 0.9, 0.8}, {true, true, false, false}), 0);
  // One of four positive-negative pairs is out of order.
  EXPECT_DOUBLE_EQ(Auc({0.9, 0.3, 0.5, 0.1}, {true, true, false, false}), 0.75);
  // Ties count one half.
  EXPECT_DOUBLE_EQ(Auc({0.5, 0.5}, {true, false}), 0.5);
  EXPECT_TRUE(std::isnan(Auc({0.1, 0.2}, {true, true})));
}

TEST(VerifierEvalTest, SpearmanUsesRanks) {
  EXPECT_NEAR(SpearmanCorrelation({1, 2, 3, 4}, {10, 20, 30, 1000}), 1, 1e-12);
  EXPECT_NEAR(SpearmanCorrelation({1, 2, 3, 4}, {4, 3, 2, 1}), -1, 1e-12);
  EXPECT_NEAR(SpearmanCorrelation({1, 2, 3}, {1, 3, 2}), 0.5, 1e-12);
  EXPECT_TRUE(std::isnan(SpearmanCorrelation({1, 1, 1}, {1, 2, 3})));
}

TEST(VerifierEvalTest, LabelsStatesWithTheSolver) {
  model::TransformerConfig config = testing_support::TinyTransformerConfig();
  config.output_size = 1;
  verifier::FlowVerifier verifier(
      testing_support::MakeTinyTransformer(3, config), {});
  model::Generator generator(testing_support::MakeTinyTransformer(4), {});
  VerifierEvalOptions options;
  options.mc_problems = 1;
  options.mc_samples = 2;
  auto result =
      EvaluateVerifier(verifier, &generator,
                       {*countdown::ParseProblem("4 6 1 1 -> 24")}, options);
  ASSERT_TRUE(result.ok()) << result.status();
  // 4 6 1 1: some first steps keep 24 reachable (1 * 1), others do not.
  EXPECT_GT(result->reachable_one_step, 0);
  EXPECT_LT(result->reachable_one_step, result->states_one_step);
  EXPECT_GT(result->states_two_steps, result->states_one_step);
  EXPECT_GE(result->auc_one_step, 0);
  EXPECT_LE(result->auc_one_step, 1);
  // The generator's own states (one and two steps, distinct, not ended),
  // each with its Monte Carlo estimate, all in the calibration table.
  EXPECT_GT(result->mc_states, 0);
  EXPECT_LE(result->mc_states, 2 * options.mc_states);
  EXPECT_LE(result->mc_reachable, result->mc_states);
  ASSERT_EQ(result->calibration.size(), 5u);
  int64_t binned = 0;
  for (const CalibrationBin& bin : result->calibration) {
    binned += bin.states;
    EXPECT_GE(bin.mean_observed, 0);
    EXPECT_LE(bin.mean_observed, 1);
  }
  EXPECT_EQ(binned, result->mc_states);
}

TEST(VerifierEvalTest, PredictedSuccessUndoesTheFlowFloor) {
  const double floor = std::log(0.01);  // log-flow smoothing: 0.1 / 10
  EXPECT_NEAR(PredictedSuccess(std::log(0.01 + 0.99 * 0.5), floor), 0.5, 1e-9);
  EXPECT_NEAR(PredictedSuccess(floor, floor), 0, 1e-9);
  EXPECT_NEAR(PredictedSuccess(0, floor), 1, 1e-9);
  const double none = -std::numeric_limits<double>::infinity();
  EXPECT_NEAR(PredictedSuccess(std::log(0.3), none), 0.3, 1e-9);
}

}  // namespace
}  // namespace arts::eval
