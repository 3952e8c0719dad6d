// Checks of the bundled verifiers, models/verifier_flow.ckpt,
// models/verifier_discriminative.ckpt and models/verifier_mc_prm.ckpt: they
// load, say how they were trained, and rank traces the way the task does: a
// trace that has reached the target above one that cannot reach it any more.

#include <cmath>
#include <string>
#include <vector>

#include "absl/strings/match.h"
#include "core/verifier/flow_verifier.h"
#include "gtest/gtest.h"

namespace arts::verifier {
namespace {

constexpr char kProblem[] = "4 9 10 13 -> 24";
constexpr char kFirst[] = "13 - 9 = 4 (left: 4 4 10)";
constexpr char kSecond[] = "10 - 4 = 6 (left: 4 6)";

class BundledVerifierTest : public ::testing::TestWithParam<std::string> {
 protected:
  std::vector<double> LastScores(const std::vector<TraceRef>& traces) {
    auto verifier =
        FlowVerifier::Load(ARTS_MODELS_DIR "/verifier_" + GetParam() + ".ckpt");
    EXPECT_TRUE(verifier.ok()) << verifier.status();
    if (!verifier.ok()) return {};
    // The bundled flow verifier is trained by a flow objective, e.g.
    // flow_backup; the baselines by their own.
    EXPECT_TRUE(
        absl::StartsWith((*verifier)->metadata().at("objective"), GetParam()))
        << (*verifier)->metadata().at("objective");
    auto scores = (*verifier)->Score(traces);
    EXPECT_TRUE(scores.ok()) << scores.status();
    std::vector<double> last;
    for (const auto& row : *scores) last.push_back(row.back());
    return last;
  }
};

TEST_P(BundledVerifierTest, ReachedTargetScoresAboveDeadEnds) {
  const std::vector<double> scores = LastScores({
      {kProblem, {kFirst, kSecond, "4 * 6 = 24 (left: 24)"}},  // correct
      {kProblem, {kFirst, kSecond, "4 + 6 = 10 (left: 10)"}},  // wrong end
      {kProblem, {kFirst, kSecond}},                           // 4 6: reachable
      {kProblem, {kFirst, "10 + 4 = 14 (left: 4 14)"}},        // dead end
  });
  ASSERT_EQ(scores.size(), 4u);
  EXPECT_GT(scores[0], scores[1]);
  EXPECT_GT(scores[0], std::log(0.5));  // a correct answer looks correct
  EXPECT_GT(scores[2], scores[3]);
}

INSTANTIATE_TEST_SUITE_P(Objectives, BundledVerifierTest,
                         ::testing::Values("flow", "discriminative", "mc_prm"));

}  // namespace
}  // namespace arts::verifier
