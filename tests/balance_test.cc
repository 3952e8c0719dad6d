// Sub-trajectory balance (docs/verifier.md, "Detailed and sub-trajectory
// balance"): the paths it trains on, its loss against a hand computation,
// and the objective through train-verifier.
#include <cmath>
#include <filesystem>
#include <sstream>
#include <utility>

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

// The loss by hand for one path: log F of s_0..s_{L-1} from the network,
// R at a terminal s_L, log P_F of each taken step among the legal ones
// (minus log n for mean conservation). Returns the balance term and the
// terminal's own term (0 for a path that does not end).
std::pair<double, double> LossByHand(const FlowVerifier& flow,
                                     const FlowVerifier& policy,
                                     const BalancePath& path, double lambda,
                                     bool mean) {
  torch::NoGradGuard no_grad;
  std::vector<double> u;  // log F(s_k) - sum_{t<k} adjusted log P_F
  double cumulative = 0;
  std::vector<std::string> steps;
  double end_term = 0;
  for (size_t k = 0; k <= path.steps.size(); ++k) {
    const double x = flow.LastOutputs({{path.problem, steps}})->item<double>();
    double log_flow = -std::log1p(std::exp(-x));  // log sigmoid
    if (k == path.steps.size() && path.terminal) {
      const double target = std::min(path.log_reward, -1e-3);
      end_term = (log_flow - target) * (log_flow - target);
      log_flow = path.log_reward;
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
    const torch::Tensor g = *policy.LastOutputs(children);
    const torch::Tensor taken = *policy.LastOutputs({{path.problem, steps}});
    cumulative += (taken.index({0}) - torch::logsumexp(g, 0)).item<double>();
    if (mean) cumulative -= std::log(static_cast<double>(children.size()));
  }
  double total = 0, weights = 0;
  for (size_t i = 0; i < u.size(); ++i) {
    for (size_t j = i + 1; j < u.size(); ++j) {
      const double w = std::pow(lambda, static_cast<double>(j - i - 1));
      total += w * (u[i] - u[j]) * (u[i] - u[j]);
      weights += w;
    }
  }
  return {total / weights, end_term};
}

TEST(BalanceTest, LossIsTheWeightedMeanOfSquaredSubTrajectoryGaps) {
  const FlowVerifier flow = SmallStateVerifier(1);
  const FlowVerifier policy = SmallStateVerifier(2);
  for (BackupWeights conservation :
       {BackupWeights::kUniform, BackupWeights::kSum}) {
    const BackupOptions rewards = DefaultBackupOptions(conservation);
    std::vector<BalancePath> paths = MakeBalancePaths({PathTree()}, rewards);
    const bool mean = conservation == BackupWeights::kUniform;
    for (double lambda : {0.0, 0.5, 1.0}) {
      SCOPED_TRACE(testing::Message()
                   << "lambda " << lambda << " mean " << mean);
      torch::NoGradGuard no_grad;
      const auto [balance, end] =
          LossByHand(flow, policy, paths[0], lambda, mean);
      EXPECT_GT(end, 0);
      auto loss = [&](std::vector<const BalancePath*> part) {
        absl::StatusOr<torch::Tensor> value =
            SubTrajectoryBalanceLoss(flow, policy, part, lambda, conservation);
        EXPECT_TRUE(value.ok()) << value.status();
        return value.ok() ? value->item<double>() : -1.0;
      };
      EXPECT_NEAR(loss({&paths[0]}), balance + end, 1e-4 * (balance + end));
      // The short path does not end: its sub-trajectories only. Both
      // paths: the mean of their balance terms plus the one terminal's.
      const double short_path =
          LossByHand(flow, policy, paths[1], lambda, mean).first;
      EXPECT_NEAR(loss({&paths[1]}), short_path, 1e-4 * short_path);
      const double both = (balance + short_path) / 2 + end;
      EXPECT_NEAR(loss({&paths[0], &paths[1]}), both, 1e-4 * both);
    }
  }
  // The generator's weights are not the forward policy's to take.
  const BackupOptions rewards = DefaultBackupOptions(BackupWeights::kUniform);
  std::vector<BalancePath> paths = MakeBalancePaths({PathTree()}, rewards);
  EXPECT_FALSE(SubTrajectoryBalanceLoss(flow, policy, {&paths[0]}, 0.5,
                                        BackupWeights::kPolicy)
                   .ok());
}

TEST(BalanceTest, GradientsReachTheFlowAndThePolicy) {
  const BackupOptions rewards = DefaultBackupOptions(BackupWeights::kSum);
  std::vector<BalancePath> paths = MakeBalancePaths({PathTree()}, rewards);
  const FlowVerifier flow = SmallStateVerifier(1);
  const FlowVerifier policy = SmallStateVerifier(2);
  absl::StatusOr<torch::Tensor> loss = SubTrajectoryBalanceLoss(
      flow, policy, {&paths[0], &paths[1]}, 0.9, BackupWeights::kUniform);
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
    EXPECT_NE(log.str().find("sub-trajectory balance (lambda 0.5, uniform): "
                             "4 training paths, 2 validation paths"),
              std::string::npos)
        << log.str();
    absl::StatusOr<std::unique_ptr<FlowVerifier>> loaded =
        FlowVerifier::Load(options.output_path);
    ASSERT_TRUE(loaded.ok()) << loaded.status();
    EXPECT_EQ((*loaded)->metadata().at("objective"), "flow_subtb");
    EXPECT_EQ((*loaded)->metadata().at("subtb_lambda"), "0.5");
    EXPECT_EQ((*loaded)->metadata().at("backup_weights"), "uniform");
    EXPECT_EQ((*loaded)->architecture(), architecture);
  }
}

}  // namespace
}  // namespace arts::verifier
