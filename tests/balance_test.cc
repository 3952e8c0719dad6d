// Sub-trajectory balance (docs/verifier.md, "Detailed and sub-trajectory
// balance"): the paths it trains on, its loss against a hand computation,
// and the objective through train-verifier.
#include <cmath>
#include <filesystem>
#include <sstream>

#include "core/training/verifier_trainer.h"
#include "core/verifier/balance_loss.h"
#include "core/verifier/balance_paths.h"
#include "core/verifier/flow_verifier.h"
#include "core/verifier/state_network.h"
#include "gtest/gtest.h"
#include "tests/test_support.h"
#include "tests/tiny_models.h"
#include "tests/tree_nodes.h"

namespace arts::verifier {
namespace {

using testing_support::TreeNodeOf;

// root -> "1 * 4" -> "8 - 6" -> "2 + 4 = 6" (wrong); root -> "8 - 6" -> an
// illegal step (cut before it); root -> an illegal step (no path).
TraceTree PathTree() {
  TraceTree tree;
  tree.problem = "1 4 6 8 -> 24";
  tree.nodes = {TreeNodeOf(-1, ""),
                TreeNodeOf(0, "1 * 4 = 4 (left: 4 6 8)"),
                TreeNodeOf(1, "8 - 6 = 2 (left: 2 4)"),
                TreeNodeOf(2, "2 + 4 = 6 (left: 6)", true, 0),
                TreeNodeOf(0, "9 *", false, 0, /*valid=*/false),
                TreeNodeOf(0, "8 - 6 = 2 (left: 1 2 4)"),
                TreeNodeOf(5, "2 * 9 = 18", false, 0, /*valid=*/false)};
  tree.nodes[0].children = {1, 4, 5};
  tree.nodes[1].children = {2};
  tree.nodes[2].children = {3};
  tree.nodes[5].children = {6};
  return tree;
}

FlowVerifier SmallStateVerifier(uint64_t seed) {
  torch::manual_seed(seed);
  StateNetworkConfig config;
  config.d_model = 16;
  config.d_ff = 32;
  config.buckets = 64;
  return FlowVerifier(StateNetwork(config),
                      {{"log_epsilon", "-12"}, {"log_reward_correct", "0"}});
}

TEST(BalanceTest, PathsFollowTheSampledLeavesAndStopAtAnIllegalStep) {
  const BackupOptions rewards = DefaultBackupOptions(BackupWeights::kSum);
  std::vector<BalancePath> paths = MakeBalancePaths({PathTree()}, rewards);
  ASSERT_EQ(paths.size(), 2u);  // the root's illegal step gives no path
  EXPECT_EQ(paths[0].steps.size(), 3u);
  ASSERT_EQ(paths[0].legal.size(), 3u);
  EXPECT_EQ(paths[0].legal[0].size(), 48u);  // 1 4 6 8
  EXPECT_EQ(paths[0].legal[1].size(), 24u);  // 4 6 8
  EXPECT_EQ(paths[0].legal[2].size(), 8u);   // 2 4
  EXPECT_TRUE(paths[0].terminal);
  EXPECT_DOUBLE_EQ(paths[0].log_reward,
                   rewards.log_reward_correct + rewards.log_epsilon);
  // Cut before "2 * 9": one legal step, and its end is not terminal.
  EXPECT_EQ(paths[1].steps.size(), 1u);
  EXPECT_EQ(paths[1].legal.size(), 1u);
  EXPECT_FALSE(paths[1].terminal);
}

TEST(BalanceTest, LossIsTheWeightedMeanOfSquaredSubTrajectoryGaps) {
  const BackupOptions rewards = DefaultBackupOptions(BackupWeights::kSum);
  std::vector<BalancePath> paths = MakeBalancePaths({PathTree()}, rewards);
  const FlowVerifier flow = SmallStateVerifier(1);
  const FlowVerifier policy = SmallStateVerifier(2);
  torch::NoGradGuard no_grad;
  // By hand for the long path: log F of s_0..s_2, R at s_3, and log P_F of
  // each taken step among the legal ones.
  const BalancePath& path = paths[0];
  std::vector<double> u;  // log F(s_k) - sum_{t<k} log P_F
  double cumulative = 0;
  std::vector<std::string> steps;
  for (size_t k = 0; k <= path.steps.size(); ++k) {
    double log_flow = path.log_reward;
    if (k < path.steps.size()) {
      absl::StatusOr<torch::Tensor> x =
          flow.LastOutputs({{path.problem, steps}});
      ASSERT_TRUE(x.ok()) << x.status();
      log_flow = torch::log_sigmoid(*x).item<double>();
    }
    u.push_back(log_flow - cumulative);
    if (k == path.steps.size()) break;
    std::vector<TraceRef> children;
    for (const std::string& child : path.legal[k]) {
      TraceRef trace{path.problem, steps};
      trace.steps.push_back(child);
      children.push_back(trace);
    }
    steps.push_back(path.steps[k]);
    absl::StatusOr<torch::Tensor> g = policy.LastOutputs(children);
    absl::StatusOr<torch::Tensor> taken =
        policy.LastOutputs({{path.problem, steps}});
    ASSERT_TRUE(g.ok() && taken.ok());
    cumulative += (taken->index({0}) - torch::logsumexp(*g, 0)).item<double>();
  }
  for (double lambda : {0.0, 0.5, 1.0}) {
    SCOPED_TRACE(lambda);
    double total = 0, weights = 0;
    for (size_t i = 0; i < u.size(); ++i) {
      for (size_t j = i + 1; j < u.size(); ++j) {
        const double w = std::pow(lambda, static_cast<double>(j - i - 1));
        total += w * (u[i] - u[j]) * (u[i] - u[j]);
        weights += w;
      }
    }
    absl::StatusOr<torch::Tensor> loss =
        SubTrajectoryBalanceLoss(flow, policy, {&path}, lambda);
    ASSERT_TRUE(loss.ok()) << loss.status();
    EXPECT_NEAR(loss->item<double>(), total / weights, 1e-4 * total);
    // Two paths: the mean of their losses.
    absl::StatusOr<torch::Tensor> one =
        SubTrajectoryBalanceLoss(flow, policy, {&paths[1]}, lambda);
    absl::StatusOr<torch::Tensor> both =
        SubTrajectoryBalanceLoss(flow, policy, {&path, &paths[1]}, lambda);
    ASSERT_TRUE(one.ok() && both.ok());
    EXPECT_NEAR(both->item<double>(),
                (loss->item<double>() + one->item<double>()) / 2, 1e-4);
  }
}

TEST(BalanceTest, GradientsReachTheFlowAndThePolicy) {
  const BackupOptions rewards = DefaultBackupOptions(BackupWeights::kSum);
  std::vector<BalancePath> paths = MakeBalancePaths({PathTree()}, rewards);
  const FlowVerifier flow = SmallStateVerifier(1);
  const FlowVerifier policy = SmallStateVerifier(2);
  absl::StatusOr<torch::Tensor> loss =
      SubTrajectoryBalanceLoss(flow, policy, {&paths[0], &paths[1]}, 0.9);
  ASSERT_TRUE(loss.ok()) << loss.status();
  loss->backward();
  for (const FlowVerifier* net : {&flow, &policy}) {
    double norm = 0;
    for (const torch::Tensor& p : net->parameters()) {
      if (p.grad().defined()) norm += p.grad().norm().item<double>();
    }
    EXPECT_GT(norm, 0);
  }
}

TEST(BalanceTest, TrainVerifierTrainsBothNetworksAndSavesTheFlow) {
  testing_support::TempDir temp("flow_subtb");
  const std::string dir = temp.File("trees");
  std::filesystem::create_directories(dir);
  ASSERT_TRUE(WriteTreeFile(dir + "/trees-00000.txt",
                            {PathTree(), PathTree(), PathTree()})
                  .ok());
  for (const char* architecture : {"state", "text"}) {
    SCOPED_TRACE(architecture);
    training::VerifierTrainingOptions options;
    options.architecture = architecture;
    options.state_model.d_model = 16;
    options.state_model.d_ff = 32;
    options.state_model.buckets = 64;
    options.model = testing_support::TinyTransformerConfig();
    options.trees_dir = dir;
    options.output_path = dir + "/verifier.ckpt";
    options.objective = training::VerifierObjective::kFlowSubTb;
    options.subtb_lambda = 0.5;
    options.paths_per_batch = 2;
    options.validation_fraction = 0.34;
    options.epochs = 3;
    options.validate_every = 2;
    options.log_every = 1;
    std::ostringstream log;
    absl::Status status = training::TrainVerifier(options, log);
    ASSERT_TRUE(status.ok()) << status << "\n" << log.str();
    EXPECT_NE(log.str().find("sub-trajectory balance (lambda 0.5): 4 "
                             "training paths, 2 validation paths"),
              std::string::npos)
        << log.str();
    absl::StatusOr<std::unique_ptr<FlowVerifier>> loaded =
        FlowVerifier::Load(options.output_path);
    ASSERT_TRUE(loaded.ok()) << loaded.status();
    EXPECT_EQ((*loaded)->metadata().at("objective"), "flow_subtb");
    EXPECT_EQ((*loaded)->metadata().at("subtb_lambda"), "0.5");
    EXPECT_EQ((*loaded)->metadata().at("conservation"), "sum");
    EXPECT_EQ((*loaded)->architecture(), architecture);
  }
}

}  // namespace
}  // namespace arts::verifier
