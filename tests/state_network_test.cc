// The state network (docs/verifier.md, "The state network"): the states it
// reads from a trace's text, its scores through FlowVerifier, and its
// checkpoint.
#include "core/verifier/state_network.h"

#include <cmath>
#include <memory>

#include "core/verifier/flow_verifier.h"
#include "gtest/gtest.h"
#include "tests/test_support.h"

namespace arts::verifier {
namespace {

StateNetworkConfig SmallConfig() {
  StateNetworkConfig config;
  config.d_model = 16;
  config.d_ff = 32;
  config.buckets = 64;
  return config;
}

FlowVerifier SmallVerifier() {
  torch::manual_seed(7);
  return FlowVerifier(StateNetwork(SmallConfig()),
                      {{"log_epsilon", "-9"}, {"log_reward_correct", "0"}});
}

TEST(StateNetworkTest, PrefixStatesFollowTheTraceUntilAStepFails) {
  std::vector<std::optional<countdown::State>> states = PrefixStates(
      "4 9 10 13 -> 24\n13 - 9 = 4 (left: 4 4 10)\n10 - 4 = 6 (left: 4 6)\n"
      "4 * 7 = 28 (left: 28)\n6 * 4 = 24 (left: 24)\n");
  ASSERT_EQ(states.size(), 5u);
  ASSERT_TRUE(states[0].has_value());
  EXPECT_EQ(states[0]->left.size(), 4u);
  ASSERT_TRUE(states[2].has_value());
  EXPECT_EQ(countdown::JoinNumbers(states[2]->left), "4 6");
  // 7 is not left: that prefix and every later one cannot be read.
  EXPECT_FALSE(states[3].has_value());
  EXPECT_FALSE(states[4].has_value());
  // A problem that does not parse: nothing can be read.
  std::vector<std::optional<countdown::State>> bad =
      PrefixStates("hello\n1 + 1 = 2 (left: 2)\n");
  ASSERT_EQ(bad.size(), 2u);
  EXPECT_FALSE(bad[0].has_value());
}

TEST(StateNetworkTest, ScoresEveryPrefixAndTheFloorWhereAStepFails) {
  const FlowVerifier verifier = SmallVerifier();
  EXPECT_EQ(verifier.architecture(), "state");
  absl::StatusOr<std::vector<std::vector<double>>> scores =
      verifier.Score({{"4 9 10 13 -> 24",
                       {"13 - 9 = 4 (left: 4 4 10)", "10 - 4 = 7 (left: 4 7)"}},
                      {"1 2 3 4 -> 24", {}}});
  ASSERT_TRUE(scores.ok()) << scores.status();
  ASSERT_EQ((*scores)[0].size(), 3u);
  ASSERT_EQ((*scores)[1].size(), 1u);
  for (double s : (*scores)[0]) EXPECT_LT(s, 0);
  // 10 - 4 is not 7: the training floor, log_reward_correct + log_epsilon.
  EXPECT_DOUBLE_EQ((*scores)[0][2], -9);
  EXPECT_NE((*scores)[0][1], -9);
}

TEST(StateNetworkTest, TheSameStateScoresTheSameWhateverLedThere) {
  const FlowVerifier verifier = SmallVerifier();
  // Both leave 4 4 10 (in another order of the problem's numbers, too).
  absl::StatusOr<std::vector<std::vector<double>>> scores =
      verifier.Score({{"4 9 10 13 -> 24", {"13 - 9 = 4 (left: 4 4 10)"}},
                      {"13 4 10 9 -> 24", {"13 - 9 = 4 (left: 4 4 10)"}},
                      {"2 2 4 10 -> 24", {"2 * 2 = 4 (left: 4 4 10)"}}});
  ASSERT_TRUE(scores.ok()) << scores.status();
  EXPECT_NEAR((*scores)[0][1], (*scores)[1][1], 1e-6);
  EXPECT_NEAR((*scores)[0][1], (*scores)[2][1], 1e-6);
}

TEST(StateNetworkTest, RefusesAProblemItCannotReadNamingTheTrace) {
  const FlowVerifier verifier = SmallVerifier();
  absl::StatusOr<std::vector<EncodedTrace>> encoded =
      verifier.Encode({{"1 2 3 4 -> 24", {}}, {"1 2 3 = 24", {}}}, 5);
  ASSERT_FALSE(encoded.ok());
  EXPECT_EQ(encoded.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_NE(encoded.status().message().find("traces[6].problem"),
            std::string::npos)
      << encoded.status();
}

TEST(StateNetworkTest, CheckpointRoundTripsAndTrainingOutputsMatchScores) {
  testing_support::TempDir temp("state_network");
  const FlowVerifier verifier = SmallVerifier();
  const std::string path = temp.File("state.ckpt");
  ASSERT_TRUE(verifier
                  .Save(path, {{"objective", "flow_backup"},
                               {"log_epsilon", "-9"},
                               {"log_reward_correct", "0"}})
                  .ok());
  absl::StatusOr<std::unique_ptr<FlowVerifier>> loaded =
      FlowVerifier::Load(path);
  ASSERT_TRUE(loaded.ok()) << loaded.status();
  EXPECT_EQ((*loaded)->architecture(), "state");
  EXPECT_EQ((*loaded)->num_parameters(), verifier.num_parameters());
  const std::vector<backend::TraceRef> traces = {
      {"4 9 10 13 -> 24", {"13 - 9 = 4 (left: 4 4 10)"}},
      {"4 9 10 13 -> 24", {"13 - 9 = 5 (left: 4 5 10)"}}};
  absl::StatusOr<std::vector<std::vector<double>>> a = verifier.Score(traces);
  absl::StatusOr<std::vector<std::vector<double>>> b = (*loaded)->Score(traces);
  ASSERT_TRUE(a.ok() && b.ok());
  EXPECT_EQ(*a, *b);
  // LastOutputs, which training reads, is log F's logit at the last prefix
  // (the floor's where the step fails) and carries gradients.
  absl::StatusOr<torch::Tensor> x = verifier.LastOutputs(traces);
  ASSERT_TRUE(x.ok()) << x.status();
  EXPECT_TRUE(x->requires_grad());
  EXPECT_NEAR(torch::log_sigmoid(*x)[0].item<double>(), (*a)[0][1], 1e-5);
  EXPECT_NEAR(torch::log_sigmoid(*x)[1].item<double>(), -9, 1e-5);
}

TEST(StateNetworkTest, BadConfigIsRefusedByName) {
  std::map<std::string, std::string> map = SmallConfig().ToMap();
  map.erase("buckets");
  EXPECT_NE(StateNetworkConfig::FromMap(map).status().message().find("buckets"),
            std::string::npos);
  map = SmallConfig().ToMap();
  map["d_model"] = "15";  // not a multiple of the heads
  EXPECT_FALSE(StateNetworkConfig::FromMap(map).ok());
}

}  // namespace
}  // namespace arts::verifier
