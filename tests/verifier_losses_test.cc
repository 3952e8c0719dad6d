#include <cmath>
#include <filesystem>
#include <sstream>

#include "core/model/tokenizer.h"
#include "core/training/verifier_trainer.h"
#include "core/verifier/flow_verifier.h"
#include "core/verifier/losses.h"
#include "core/verifier/trace_tree.h"
#include "core/verifier/tree_batch.h"
#include "gtest/gtest.h"
#include "tests/test_support.h"
#include "tests/tiny_models.h"
#include "tests/tree_nodes.h"

namespace arts::verifier {
namespace {

constexpr double kLogEps = -12;

using testing_support::TreeNodeOf;

// root -> A (correct, terminal), B (wrong, terminal), C (illegal step).
TraceTree OneLevelTree() {
  TraceTree tree;
  tree.problem = "4 6 -> 24";
  tree.nodes = {TreeNodeOf(-1, "", false, 0),
                TreeNodeOf(0, "4 * 6 = 24 (left: 24)", true, 1),
                TreeNodeOf(0, "4 + 6 = 10 (left: 10)", true, 0),
                TreeNodeOf(0, "5 *", false, 0, /*valid=*/false)};
  tree.nodes[0].children = {1, 2, 3};
  return tree;
}

// root -> D (expanded) -> E (correct), F (correct); root -> G (wrong).
TraceTree TwoLevelTree() {
  TraceTree tree;
  tree.problem = "1 4 6 -> 24";
  tree.nodes = {TreeNodeOf(-1, "", false, 0),
                TreeNodeOf(0, "1 * 4 = 4 (left: 4 6)", false, 0),
                TreeNodeOf(1, "4 * 6 = 24 (left: 24)", true, 1),
                TreeNodeOf(1, "6 * 4 = 24 (left: 24)", true, 1),
                TreeNodeOf(0, "1 + 4 = 5 (left: 5 6)", true, 0)};
  tree.nodes[0].children = {1, 4};
  tree.nodes[1].children = {2, 3};
  return tree;
}

// x such that log sigmoid(x) = log_f.
double Logit(double log_f) { return log_f - std::log1p(-std::exp(log_f)); }

TEST(VerifierLossTest, ExactFlowsGiveZeroConservationLoss) {
  auto batch = MakeTreeBatch({OneLevelTree()}, kLogEps, 320);
  ASSERT_TRUE(batch.ok()) << batch.status();
  // F(root) = (1 + eps + eps) / 3, leaves at their rewards (1 -> ~1).
  const double eps = std::exp(kLogEps);
  const double root = std::log((1 + 2 * eps) / 3);
  torch::Tensor x = torch::tensor(
      {Logit(root), 20.0, Logit(kLogEps), Logit(kLogEps)}, torch::kFloat);
  FlowMatchingLoss loss =
      ComputeFlowMatchingLoss(x, *batch, 1.0, Conservation::kMean);
  EXPECT_NEAR(loss.conservation.item<double>(), 0, 1e-8);
  EXPECT_NEAR(loss.terminal.item<double>(), 0, 1e-6);
}

TEST(VerifierLossTest, ValuesOnATwoLevelTree) {
  auto batch = MakeTreeBatch({TwoLevelTree()}, kLogEps, 320);
  ASSERT_TRUE(batch.ok()) << batch.status();
  // Every node at F = 1/2.
  torch::Tensor x = torch::zeros({5});
  FlowMatchingLoss loss =
      ComputeFlowMatchingLoss(x, *batch, 2.0, Conservation::kMean);
  const double half = std::log(0.5);
  const double eps = std::exp(kLogEps);
  // Root: children D (network, 1/2) and G (leaf, eps).
  const double r_root = half - std::log((0.5 + eps) / 2);
  // D: children E and F, both leaves with R = 1.
  const double r_d = half - 0;
  EXPECT_NEAR(loss.conservation.item<double>(),
              (r_root * r_root + r_d * r_d) / 2, 1e-5);
  // Leaves E, F (R = 1) and G (R = 0).
  const double r_g = half - kLogEps;
  EXPECT_NEAR(loss.terminal.item<double>(), (half * half * 2 + r_g * r_g) / 3,
              1e-4);
  EXPECT_NEAR(
      loss.total.item<double>(),
      loss.conservation.item<double>() + 2 * loss.terminal.item<double>(),
      1e-5);
}

TEST(VerifierLossTest, GradientsPushTowardConservation) {
  auto batch = MakeTreeBatch({TwoLevelTree()}, kLogEps, 320);
  ASSERT_TRUE(batch.ok());
  torch::Tensor x = torch::zeros({5}).requires_grad_(true);
  ComputeFlowMatchingLoss(x, *batch, 1.0, Conservation::kMean).total.backward();
  torch::Tensor g = x.grad();
  // D's flow (1/2) is below its children's (1): raise it.
  EXPECT_LT(g[1].item<double>(), 0);
  // The root's flow (1/2) is above its children's mean (~1/4): lower it.
  EXPECT_GT(g[0].item<double>(), 0);
  // G is a wrong terminal at 1/2: lower it.
  EXPECT_GT(g[4].item<double>(), 0);
  // E and F are correct terminals: raise them.
  EXPECT_LT(g[2].item<double>(), 0);
  EXPECT_LT(g[3].item<double>(), 0);
}

TEST(VerifierLossTest, SumConservationAddsTheChildren) {
  auto batch = MakeTreeBatch({TwoLevelTree()}, kLogEps, 320);
  ASSERT_TRUE(batch.ok()) << batch.status();
  torch::Tensor x = torch::zeros({5});
  FlowMatchingLoss loss =
      ComputeFlowMatchingLoss(x, *batch, 1.0, Conservation::kSum);
  const double half = std::log(0.5);
  const double eps = std::exp(kLogEps);
  // Root: F(D) + R(G) = 1/2 + eps; D: R(E) + R(F) = 2.
  const double r_root = half - std::log(0.5 + eps);
  const double r_d = half - std::log(2.0);
  EXPECT_NEAR(loss.conservation.item<double>(),
              (r_root * r_root + r_d * r_d) / 2, 1e-5);
}

TEST(VerifierLossTest, SmoothedLeafRewardsSetTheFloor) {
  // The paper's log-flow smoothing, R = 10 / 0.1, is a floor of log(0.01)
  // relative to a correct leaf: a wrong leaf at F = 0.01 costs nothing.
  const double floor = std::log(0.1 / 10);
  auto batch = MakeTreeBatch({OneLevelTree()}, floor, 320);
  ASSERT_TRUE(batch.ok()) << batch.status();
  torch::Tensor x = torch::tensor(
      {Logit(std::log((1 + 2 * 0.01) / 3)), 20.0, Logit(floor), Logit(floor)},
      torch::kFloat);
  FlowMatchingLoss loss =
      ComputeFlowMatchingLoss(x, *batch, 1.0, Conservation::kMean);
  EXPECT_NEAR(loss.conservation.item<double>(), 0, 1e-8);
  EXPECT_NEAR(loss.terminal.item<double>(), 0, 1e-6);
}

TEST(VerifierLossTest, MonteCarloLossIsSquaredErrorAgainstOutcomeShares) {
  auto batch = MakeTreeBatch({TwoLevelTree()}, kLogEps, 320);
  ASSERT_TRUE(batch.ok()) << batch.status();
  // Every node predicts 1/2. Labels: root 2/3, D 1, E 1, F 1, G 0.
  torch::Tensor x = torch::zeros({5}).requires_grad_(true);
  torch::Tensor loss = ComputeMonteCarloLoss(x, *batch);
  const double expected = (std::pow(0.5 - 2.0 / 3, 2) + 3 * 0.25 + 0.25) / 5;
  EXPECT_NEAR(loss.item<double>(), expected, 1e-6);
  loss.backward();
  torch::Tensor g = x.grad();
  EXPECT_LT(g[0].item<double>(), 0);  // the root's 2/3 is above 1/2: raise
  EXPECT_LT(g[1].item<double>(), 0);  // D always succeeds: raise
  EXPECT_GT(g[4].item<double>(), 0);  // G fails: lower
}

TEST(VerifierLossTest, DiscriminativeLabelsAreOutcomeShares) {
  auto batch = MakeTreeBatch({TwoLevelTree()}, kLogEps, 320);
  ASSERT_TRUE(batch.ok());
  // Root: 3 traces, 2 correct; D: 2 of 2; leaves their own outcome.
  std::vector<float> label(batch->node_label.data_ptr<float>(),
                           batch->node_label.data_ptr<float>() + 5);
  std::vector<float> weight(batch->node_weight.data_ptr<float>(),
                            batch->node_weight.data_ptr<float>() + 5);
  EXPECT_NEAR(label[0], 2.0 / 3, 1e-6);
  EXPECT_EQ(weight[0], 3);
  EXPECT_EQ(label[1], 1);
  EXPECT_EQ(weight[1], 2);
  EXPECT_EQ(label[4], 0);
  EXPECT_EQ(weight[4], 1);
  torch::Tensor x = torch::zeros({5}).requires_grad_(true);
  torch::Tensor loss = ComputeDiscriminativeLoss(x, *batch);
  EXPECT_NEAR(loss.item<double>(), std::log(2.0), 1e-5);  // p = 1/2 everywhere
  loss.backward();
  EXPECT_LT(x.grad()[1].item<double>(), 0);  // D leads to success: raise
  EXPECT_GT(x.grad()[4].item<double>(), 0);  // G fails: lower
}

TEST(VerifierLossTest, NodeOutputsMatchScoringEachPrefix) {
  TraceTree tree = TwoLevelTree();
  auto batch = MakeTreeBatch({OneLevelTree(), tree}, kLogEps, 320);
  ASSERT_TRUE(batch.ok());
  model::TransformerConfig config = testing_support::TinyTransformerConfig();
  config.output_size = 1;
  model::Transformer net = testing_support::MakeTinyTransformer(9, config);
  torch::NoGradGuard no_grad;
  torch::Tensor outputs = NodeOutputs(*net, *batch);
  ASSERT_EQ(outputs.size(0), 4 + 5);
  FlowVerifier verifier(net, {});
  for (int node = 0; node < 5; ++node) {
    auto scores = verifier.Score({{tree.problem, tree.StepsTo(node)}});
    ASSERT_TRUE(scores.ok());
    EXPECT_NEAR(scores->at(0).back(),
                torch::log_sigmoid(outputs[4 + node]).item<double>(), 1e-5)
        << "node " << node;
  }
}

// A text network with the language model beside its flow: dropping the
// language model keeps every node's output; the language model's loss is
// the next token's cross-entropy, trains only its own rows of the head, and
// falls as it learns.
TEST(VerifierLossTest, TheLanguageModelSitsBesideTheFlow) {
  auto batch = MakeTreeBatch({OneLevelTree(), TwoLevelTree()}, kLogEps, 320);
  ASSERT_TRUE(batch.ok());
  torch::manual_seed(3);
  model::Transformer net = MakeVerifierNetwork(
      testing_support::TinyTransformerConfig(), *CountdownCharacters(),
      /*language_model=*/true);
  const int vocab = CountdownCharacters()->vocab_size();
  ASSERT_EQ(net->config().outputs(), 1 + vocab);

  NodeOutputsWithLanguageModel both =
      NodeOutputsAndLanguageModelLoss(*net, *batch);
  ASSERT_EQ(both.node_outputs.size(0), 4 + 5);
  {
    torch::NoGradGuard no_grad;
    model::Transformer alone = WithoutLanguageModel(*net);
    EXPECT_EQ(alone->config().outputs(), 1);
    EXPECT_TRUE(torch::allclose(NodeOutputs(*alone, *batch), both.node_outputs,
                                1e-6, 1e-6));
  }

  // The loss by hand: -log softmax of each real next token, averaged.
  {
    torch::NoGradGuard no_grad;
    const torch::Tensor tokens = batch->paths.tokens;
    const torch::Tensor logits = net->Forward(tokens).narrow(-1, 1, vocab);
    double nats = 0;
    int targets = 0;
    for (int64_t b = 0; b < tokens.size(0); ++b) {
      for (int64_t t = 0; t + 1 < tokens.size(1); ++t) {
        const int64_t next = tokens[b][t + 1].item<int64_t>();
        if (next == model::Tokenizer::kPad) continue;
        nats -= torch::log_softmax(logits[b][t], 0)[next].item<double>();
        ++targets;
      }
    }
    ASSERT_GT(targets, 0);
    EXPECT_NEAR(both.language_model_loss.item<double>(), nats / targets, 1e-4);
  }

  // Its gradient reaches the next-token rows of the head, not the flow's.
  both.language_model_loss.backward();
  torch::Tensor head_grad;
  for (const auto& p : net->named_parameters()) {
    if (p.key() == "head.weight") head_grad = p.value().grad();
  }
  ASSERT_TRUE(head_grad.defined());
  EXPECT_EQ(head_grad[0].abs().sum().item<double>(), 0);
  EXPECT_GT(head_grad.narrow(0, 1, vocab).abs().sum().item<double>(), 0);

  torch::optim::Adam adam(net->parameters(), torch::optim::AdamOptions(1e-2));
  const double before = both.language_model_loss.item<double>();
  for (int step = 0; step < 20; ++step) {
    adam.zero_grad();
    torch::Tensor loss =
        NodeOutputsAndLanguageModelLoss(*net, *batch).language_model_loss;
    loss.backward();
    adam.step();
  }
  torch::NoGradGuard no_grad;
  EXPECT_LT(NodeOutputsAndLanguageModelLoss(*net, *batch)
                .language_model_loss.item<double>(),
            0.5 * before);
}

// Training with lm_weight writes an ordinary verifier checkpoint (one
// output) that says so, and refuses what the language model cannot join.
TEST(VerifierLossTest, TrainingWithTheLanguageModelSavesTheVerifierAlone) {
  testing_support::TempDir temp("lm_weight");
  const std::string dir = temp.File("trees");
  std::filesystem::create_directories(dir);
  ASSERT_TRUE(
      WriteTreeFile(dir + "/trees-00000.txt", {OneLevelTree(), TwoLevelTree(),
                                               OneLevelTree(), TwoLevelTree()})
          .ok());
  training::VerifierTrainingOptions options;
  options.trees_dir = dir;
  options.output_path = temp.File("verifier.ckpt");
  options.epochs = 2;
  options.trees_per_batch = 2;
  options.validation_fraction = 0.25;
  options.model = testing_support::TinyTransformerConfig();
  options.lm_weight = 0.5;
  options.log_every = 1;
  std::ostringstream log;
  ASSERT_TRUE(training::TrainVerifier(options, log).ok()) << log.str();
  EXPECT_NE(log.str().find("nats/token"), std::string::npos) << log.str();
  absl::StatusOr<std::unique_ptr<FlowVerifier>> verifier =
      FlowVerifier::Load(options.output_path);
  ASSERT_TRUE(verifier.ok()) << verifier.status();
  EXPECT_EQ((*verifier)->metadata().at("lm_weight"), "0.5");
  EXPECT_TRUE(
      (*verifier)->Score({{"4 6 -> 24", {"4 * 6 = 24 (left: 24)"}}}).ok());

  options.architecture = "state";
  absl::Status refused = training::TrainVerifier(options, log);
  EXPECT_EQ(refused.code(), absl::StatusCode::kInvalidArgument);
  EXPECT_NE(refused.message().find("lm_weight"), std::string::npos) << refused;
}

}  // namespace
}  // namespace arts::verifier
