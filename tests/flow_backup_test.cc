// The full-backup flow objective (docs/verifier.md): legal children, exact
// flows by enumeration, targets bootstrapped from a network, and training.
#include <cmath>
#include <filesystem>
#include <fstream>
#include <random>
#include <sstream>

#include "core/countdown/legal_steps.h"
#include "core/countdown/problem.h"
#include "core/model/tokenizer.h"
#include "core/training/verifier_trainer.h"
#include "core/verifier/backup_loss.h"
#include "core/verifier/backup_states.h"
#include "core/verifier/flow_verifier.h"
#include "gtest/gtest.h"
#include "tests/test_support.h"
#include "tests/tiny_models.h"
#include "tests/tree_nodes.h"

namespace arts::verifier {
namespace {

countdown::State StateOf(const std::string& problem,
                         const std::vector<std::string>& steps = {}) {
  absl::StatusOr<countdown::Problem> parsed = countdown::ParseProblem(problem);
  EXPECT_TRUE(parsed.ok()) << parsed.status();
  return countdown::CheckTrace(*parsed, steps).state;
}

TEST(LegalStepsTest, EveryOrderedPairAndOperatorOnceSortedByHead) {
  std::vector<countdown::LegalStep> steps =
      countdown::LegalSteps(StateOf("4 9 10 13 -> 24"));
  EXPECT_EQ(steps.size(), 48u);  // 12 ordered pairs x 4 operators
  for (size_t i = 1; i < steps.size(); ++i) {
    EXPECT_LT(steps[i - 1].head, steps[i].head);
  }
  // Equal numbers give equal heads; 3 / 0 is not legal.
  EXPECT_EQ(countdown::LegalSteps(StateOf("5 5 -> 24")).size(), 4u);
  std::vector<countdown::LegalStep> zero =
      countdown::LegalSteps(StateOf("0 3 -> 24"));
  EXPECT_EQ(zero.size(), 7u);
  for (const auto& step : zero) EXPECT_NE(step.head, "3 / 0 =");
  const countdown::LegalStep& first = steps.front();
  EXPECT_EQ(first.head, "10 * 13 =");
  EXPECT_EQ(countdown::FormatStep(first.step), "10 * 13 = 130 (left: 4 9 130)");
  EXPECT_EQ(first.next.left.size(), 3u);
  EXPECT_TRUE(
      countdown::LegalSteps(StateOf("4 6 -> 24", {"4 * 6 = 24 (left: 24)"}))
          .empty());
}

TEST(FlowBackupTest, ExactFlowIsTheShareOfUniformPlayThatEndsCorrect) {
  BackupOptions options = DefaultBackupOptions(BackupWeights::kUniform);
  const double eps = std::exp(options.log_epsilon);
  // 4 and 6: 8 heads, 4 * 6 and 6 * 4 are correct.
  EXPECT_NEAR(ExactLogFlow(StateOf("4 6 -> 24"), options),
              std::log(2.0 / 8 + 6.0 / 8 * eps), 1e-9);
  // A dead state sits at the floor; a correct terminal at 0.
  EXPECT_NEAR(ExactLogFlow(StateOf("1 1 -> 24"), options), std::log(eps), 1e-9);
  EXPECT_NEAR(
      ExactLogFlow(StateOf("4 6 -> 24", {"4 * 6 = 24 (left: 24)"}), options), 0,
      1e-12);
  // 1 5 5 5 needs a fraction; it is live, far above the floor.
  EXPECT_GT(ExactLogFlow(StateOf("1 5 5 5 -> 24"), options), std::log(eps) + 3);
  // Sum conservation counts correct leaves: 2 of them, each scaled.
  BackupOptions sum = DefaultBackupOptions(BackupWeights::kSum);
  EXPECT_NEAR(ExactLogFlow(StateOf("4 6 -> 24"), sum),
              std::log(2.0 / 4096 + 6.0 / 4096 * eps), 1e-9);
}

using testing_support::TreeNodeOf;

// root -> "1 * 4" (3 numbers left... of 4) -> a correct rollout; root -> an
// illegal step.
TraceTree SmallTree() {
  TraceTree tree;
  tree.problem = "1 4 6 8 -> 24";
  tree.nodes = {TreeNodeOf(-1, ""), TreeNodeOf(0, "1 * 4 = 4 (left: 4 6 8)"),
                TreeNodeOf(1, "8 - 6 = 2 (left: 2 4)"),
                TreeNodeOf(2, "2 + 4 = 6 (left: 6)", true, 0),
                TreeNodeOf(0, "9 *", false, 0, /*valid=*/false)};
  tree.nodes[0].children = {1, 4};
  tree.nodes[1].children = {2};
  tree.nodes[2].children = {3};
  return tree;
}

// A tiny random text network with one output, as a target network.
FlowVerifier TinyTarget() {
  model::TransformerConfig config = testing_support::TinyTransformerConfig();
  config.output_size = 1;
  return FlowVerifier(testing_support::MakeTinyTransformer(3, config), {});
}

// Each legal child of `state` as a state of its own.
std::vector<BackupState> ChildStates(const BackupState& state) {
  std::vector<BackupState> children;
  for (const BackupChild& child : state.children) {
    BackupState c;
    c.problem = state.problem;
    c.steps = state.steps;
    c.steps.push_back(child.step);
    children.push_back(c);
  }
  return children;
}

TEST(FlowBackupTest, StatesAreTreeNodesWithEveryLegalChild) {
  BackupOptions options = DefaultBackupOptions(BackupWeights::kUniform);
  options.enumerate_children = false;
  std::vector<BackupState> states = MakeBackupStates({SmallTree()}, options);
  ASSERT_EQ(states.size(), 5u);
  EXPECT_FALSE(states[0].leaf);
  EXPECT_EQ(states[0].children.size(), 48u);
  EXPECT_NEAR(states[0].children[0].log_weight, -std::log(48.0), 1e-12);
  EXPECT_EQ(states[1].children.size(), 24u);  // 4 6 8
  EXPECT_EQ(states[2].children.size(), 8u);   // 2 4: every child a leaf
  for (const BackupChild& child : states[2].children) EXPECT_TRUE(child.leaf);
  EXPECT_TRUE(states[3].leaf);  // wrong terminal
  EXPECT_DOUBLE_EQ(states[3].leaf_log_reward, options.log_epsilon);
  EXPECT_TRUE(states[4].leaf);  // illegal step
  EXPECT_EQ(states[0].numbers_left, 4);
  EXPECT_EQ(states[2].numbers_left, 2);
  // With enumeration, each legal child of the root and of "4 6 8" is a
  // state too (1 * 4 and 8 - 6 were sampled already).
  options.enumerate_children = true;
  EXPECT_EQ(MakeBackupStates({SmallTree()}, options).size(), 5u + 47u + 23u);
}

TEST(FlowBackupTest, TargetsAreExactOneLevelAboveLeavesAndBootstrapAbove) {
  BackupOptions options = DefaultBackupOptions(BackupWeights::kUniform);
  options.enumerate_children = false;
  std::vector<BackupState> states = MakeBackupStates({SmallTree()}, options);
  std::vector<const BackupState*> all;
  for (const BackupState& s : states) all.push_back(&s);
  const FlowVerifier target = TinyTarget();
  absl::StatusOr<torch::Tensor> y = BackupTargets(target, all, /*chunk=*/7);
  ASSERT_TRUE(y.ok()) << y.status();
  // "2 4 -> 24" after two steps: children are leaves, the target is exact.
  EXPECT_NEAR(y->index({2}).item<double>(),
              ExactLogFlow(StateOf("1 4 6 8 -> 24", {"1 * 4 = 4 (left: 4 6 8)",
                                                     "8 - 6 = 2 (left: 2 4)"}),
                           options),
              1e-5);
  EXPECT_NEAR(y->index({3}).item<double>(), options.log_epsilon, 1e-6);
  // "4 6 8": the mean of the network's F over its 24 children.
  const std::vector<BackupState> children = ChildStates(states[1]);
  std::vector<const BackupState*> child_ptrs;
  for (const BackupState& c : children) child_ptrs.push_back(&c);
  torch::NoGradGuard no_grad;
  absl::StatusOr<torch::Tensor> x = StateOutputs(target, child_ptrs);
  ASSERT_TRUE(x.ok()) << x.status();
  const double expected =
      (torch::logsumexp(torch::log_sigmoid(*x), 0) - std::log(24.0))
          .item<double>();
  EXPECT_NEAR(y->index({1}).item<double>(), expected, 1e-4);
  // The loss is zero where the outputs give the targets.
  torch::Tensor logits = *y - torch::log1p(-torch::exp(*y));
  EXPECT_NEAR(BackupLoss(logits, *y).item<double>(), 0, 1e-6);
}

// Two samples of "1 * 4" under the root (their children merge under one
// state), an illegal step, and a state under which nothing was sampled.
TraceTree SampledTree() {
  TraceTree tree;
  tree.problem = "1 4 6 8 -> 24";
  tree.nodes = {TreeNodeOf(-1, ""),
                TreeNodeOf(0, "1 * 4 = 4 (left: 4 6 8)"),
                TreeNodeOf(0, "1 * 4 = 4 (left: 4 6 8)"),
                TreeNodeOf(0, "9 *", false, 0, /*valid=*/false),
                TreeNodeOf(1, "8 - 6 = 2 (left: 2 4)"),
                TreeNodeOf(2, "6 * 8 = 48 (left: 4 48)"),
                TreeNodeOf(4, "2 + 4 = 6 (left: 6)", true, 0)};
  tree.nodes[0].children = {1, 2, 3};
  tree.nodes[1].children = {4};
  tree.nodes[2].children = {5};
  tree.nodes[4].children = {6};
  return tree;
}

TEST(FlowBackupTest, PolicyWeightsAverageTheChildrenTheGeneratorSampled) {
  const BackupOptions options = DefaultBackupOptions(BackupWeights::kPolicy);
  EXPECT_FALSE(options.enumerate_children);
  std::vector<BackupState> states = MakeBackupStates({SampledTree()}, options);
  // Root, "1 * 4" (once), "9 *", "8 - 6", "2 + 4"; "6 * 8" had no sample.
  ASSERT_EQ(states.size(), 5u);
  ASSERT_EQ(states[0].children.size(), 3u);  // repeats kept, illegal too
  EXPECT_EQ(states[0].children[0].step, states[0].children[1].step);
  EXPECT_TRUE(states[0].children[2].leaf);
  EXPECT_DOUBLE_EQ(states[0].children[2].log_reward, options.log_epsilon);
  for (const BackupChild& child : states[0].children) {
    EXPECT_NEAR(child.log_weight, -std::log(3.0), 1e-12);
  }
  ASSERT_EQ(states[1].steps.size(), 1u);
  ASSERT_EQ(states[1].children.size(), 2u);  // both samples' children
  EXPECT_EQ(states[1].children[1].step, "6 * 8 = 48 (left: 4 48)");
  EXPECT_NEAR(states[1].children[0].log_weight, -std::log(2.0), 1e-12);
  EXPECT_TRUE(states[2].leaf);  // "9 *"
  ASSERT_EQ(states[3].children.size(), 1u);
  EXPECT_TRUE(states[3].children[0].leaf);  // 2 + 4 = 6: wrong terminal
  EXPECT_TRUE(states[4].leaf);

  // The root's target is the log of the mean F of its samples, in
  // probability space: log((2 F(1 * 4) + eps) / 3).
  const FlowVerifier target = TinyTarget();
  absl::StatusOr<torch::Tensor> y = BackupTargets(target, {&states[0]});
  ASSERT_TRUE(y.ok()) << y.status();
  torch::NoGradGuard no_grad;
  absl::StatusOr<torch::Tensor> x = StateOutputs(target, {&states[1]});
  ASSERT_TRUE(x.ok()) << x.status();
  const double f = torch::sigmoid(*x).item<double>();
  EXPECT_NEAR(y->item<double>(),
              std::log((2 * f + std::exp(options.log_epsilon)) / 3), 1e-5);
  EXPECT_EQ(BackupWeightsName(BackupWeights::kPolicy), "policy");
  EXPECT_EQ(*ParseBackupWeights("policy"), BackupWeights::kPolicy);
  EXPECT_FALSE(ParseBackupWeights("pi").ok());
}

TEST(FlowBackupTest, ExactFlowsRefuseThePolicyWeights) {
  testing_support::TempDir temp("flow_exact_policy");
  const std::string dir = temp.File("trees");
  std::filesystem::create_directories(dir);
  ASSERT_TRUE(
      WriteTreeFile(dir + "/trees-00000.txt", {SmallTree(), SmallTree()}).ok());
  training::VerifierTrainingOptions options;
  options.architecture = "state";
  options.trees_dir = dir;
  options.output_path = dir + "/verifier.ckpt";
  options.objective = training::VerifierObjective::kFlowExact;
  options.backup_weights = BackupWeights::kPolicy;
  options.validation_fraction = 0.5;
  std::ostringstream log;
  absl::Status status = training::TrainVerifier(options, log);
  EXPECT_EQ(status.code(), absl::StatusCode::kInvalidArgument);
  EXPECT_NE(status.message().find("backup_weights"), std::string::npos)
      << status;
}

TEST(FlowBackupTest, SampledChildrenEstimateTheBackupInProbabilitySpace) {
  BackupOptions options = DefaultBackupOptions(BackupWeights::kUniform);
  options.enumerate_children = false;
  std::vector<BackupState> states = MakeBackupStates({SmallTree()}, options);
  const FlowVerifier target = TinyTarget();
  // "4 6 8": 24 children, each scored by the network.
  const std::vector<BackupState> children = ChildStates(states[1]);
  std::vector<const BackupState*> child_ptrs;
  for (const BackupState& c : children) child_ptrs.push_back(&c);
  torch::Tensor log_f;
  {
    torch::NoGradGuard no_grad;
    absl::StatusOr<torch::Tensor> x = StateOutputs(target, child_ptrs);
    ASSERT_TRUE(x.ok()) << x.status();
    log_f = torch::log_sigmoid(*x);
  }
  std::mt19937_64 rng(5);
  // One draw: (24 / 1) * (1/24) * F(c) = F(c) for one of the children.
  for (int draw = 0; draw < 5; ++draw) {
    absl::StatusOr<torch::Tensor> y =
        BackupTargets(target, {&states[1]}, 256, /*samples=*/1, &rng);
    ASSERT_TRUE(y.ok()) << y.status();
    EXPECT_LT((log_f - y->item<double>()).abs().min().item<double>(), 1e-5);
  }
  // As many draws as children or more: every child, no sampling.
  absl::StatusOr<torch::Tensor> all = BackupTargets(target, {&states[1]});
  absl::StatusOr<torch::Tensor> many =
      BackupTargets(target, {&states[1]}, 256, /*samples=*/24, &rng);
  ASSERT_TRUE(all.ok() && many.ok());
  EXPECT_NEAR(many->item<double>(), all->item<double>(), 1e-6);
  // Unbiased for F: the mean of exp(y) over many draws of 4 nears the mean F.
  double sum = 0;
  const int draws = 400;
  for (int draw = 0; draw < draws; ++draw) {
    absl::StatusOr<torch::Tensor> y =
        BackupTargets(target, {&states[1]}, 256, /*samples=*/4, &rng);
    ASSERT_TRUE(y.ok()) << y.status();
    sum += std::exp(y->item<double>());
  }
  const double mean_f = log_f.exp().mean().item<double>();
  EXPECT_NEAR(sum / draws, mean_f, 0.1 * mean_f);
}

TEST(FlowBackupTest, TrainVerifierRunsBothStateObjectivesAndSaves) {
  testing_support::TempDir temp("flow_backup");
  const std::string dir = temp.File("trees");
  std::filesystem::create_directories(dir);
  ASSERT_TRUE(WriteTreeFile(dir + "/trees-00000.txt",
                            {SmallTree(), SmallTree(), SmallTree()})
                  .ok());
  for (auto [objective, architecture] :
       {std::pair{training::VerifierObjective::kFlowBackup, "text"},
        std::pair{training::VerifierObjective::kFlowExact, "text"},
        std::pair{training::VerifierObjective::kFlowBackup, "state"},
        std::pair{training::VerifierObjective::kFlowExact, "state"}}) {
    SCOPED_TRACE(architecture);
    training::VerifierTrainingOptions options;
    options.architecture = architecture;
    options.state_model.d_model = 16;
    options.state_model.d_ff = 32;
    options.state_model.buckets = 64;
    options.trees_dir = dir;
    options.output_path = dir + "/verifier.ckpt";
    options.objective = objective;
    options.model = testing_support::TinyTransformerConfig();
    options.validation_fraction = 0.34;
    options.epochs = 1;
    options.states_per_batch = 16;
    options.validate_every = 2;
    options.log_every = 1;
    std::ostringstream log;
    absl::Status status = training::TrainVerifier(options, log);
    ASSERT_TRUE(status.ok()) << status << "\n" << log.str();
    EXPECT_NE(log.str().find("validation loss"), std::string::npos);
    absl::StatusOr<std::unique_ptr<FlowVerifier>> loaded =
        FlowVerifier::Load(options.output_path);
    ASSERT_TRUE(loaded.ok()) << loaded.status();
    EXPECT_EQ((*loaded)->metadata().at("objective"),
              training::VerifierObjectiveName(objective));
    EXPECT_EQ((*loaded)->metadata().at("backup_weights"), "uniform");
    EXPECT_EQ((*loaded)->architecture(), architecture);
  }
}

}  // namespace
}  // namespace arts::verifier
