// Checks of the bundled generator, models/generator.ckpt (what arts-generator
// serves by default): it loads, says how it was trained, and solves some
// held-out Game-of-24 puzzles under constrained decoding. Skipped while no
// model is bundled.

#include <cstdint>
#include <filesystem>
#include <map>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "core/countdown/checker.h"
#include "core/countdown/game24.h"
#include "core/countdown/problem.h"
#include "core/model/generator.h"
#include "gtest/gtest.h"

namespace arts::model {
namespace {

constexpr char kBundledModel[] = ARTS_MODELS_DIR "/generator.ckpt";

// `num_candidates` constrained candidates for `problem`, each to the end of
// its trace.
ProposeRequest ConstrainedToTheEnd(const countdown::Problem& problem,
                                   int num_candidates, uint64_t seed) {
  ProposeRequest request;
  request.problem = countdown::FormatProblem(problem);
  request.num_candidates = num_candidates;
  request.max_steps = 0;
  request.sampling.seed = seed;
  request.sampling.constrained = true;
  return request;
}

std::vector<Candidate> Propose(const Generator& generator,
                               const ProposeRequest& request) {
  std::vector<Candidate> candidates;
  absl::StatusOr<ProposeStats> stats = generator.Propose(
      request, [&](Candidate c) { candidates.push_back(std::move(c)); });
  EXPECT_TRUE(stats.ok()) << request.problem << ": " << stats.status();
  return candidates;
}

class BundledModelTest : public ::testing::Test {
 protected:
  void SetUp() override {
    if (!std::filesystem::exists(kBundledModel)) {
      GTEST_SKIP() << "no bundled model at " << kBundledModel
                   << " (it is being trained and will be committed soon)";
    }
    absl::StatusOr<std::unique_ptr<Generator>> loaded =
        Generator::Load(kBundledModel);
    ASSERT_TRUE(loaded.ok()) << loaded.status();
    generator_ = *std::move(loaded);
  }

  std::unique_ptr<Generator> generator_;
};

TEST_F(BundledModelTest, MetadataSaysHowItWasTrained) {
  const std::map<std::string, std::string>& metadata = generator_->metadata();
  ASSERT_TRUE(metadata.count("trained_steps"));
  int64_t trained_steps = 0;
  ASSERT_TRUE(absl::SimpleAtoi(metadata.at("trained_steps"), &trained_steps))
      << metadata.at("trained_steps");
  EXPECT_GT(trained_steps, 0);
  ASSERT_TRUE(metadata.count("base_policy"));
  EXPECT_FALSE(metadata.at("base_policy").empty());
}

TEST_F(BundledModelTest, ConstrainedCandidatesAreValidAndTerminal) {
  absl::StatusOr<countdown::Problem> problem =
      countdown::ParseProblem("4 9 10 13 -> 24");
  ASSERT_TRUE(problem.ok()) << problem.status();
  const std::vector<Candidate> candidates =
      Propose(*generator_, ConstrainedToTheEnd(*problem, 16, /*seed=*/1));
  ASSERT_EQ(candidates.size(), 16u);
  for (const Candidate& c : candidates) {
    SCOPED_TRACE(absl::StrCat("candidate ", c.index));
    EXPECT_TRUE(c.valid) << c.invalid_reason;
    EXPECT_TRUE(c.terminal);
    countdown::TraceVerdict verdict = countdown::CheckTrace(*problem, c.steps);
    EXPECT_TRUE(verdict.valid) << verdict.reason;
    EXPECT_TRUE(verdict.terminal);
  }
}

TEST_F(BundledModelTest, SolvesSomeHeldOutPuzzles) {
  // A trained model solves most of these; a random one few.
  absl::StatusOr<std::vector<countdown::Game24Puzzle>> puzzles =
      countdown::LoadGame24(countdown::DefaultGame24Path());
  ASSERT_TRUE(puzzles.ok()) << puzzles.status();
  std::vector<countdown::Problem> problems =
      countdown::ProblemsOf(*puzzles, countdown::Split::kTest);
  ASSERT_GE(problems.size(), 20u);
  problems.resize(20);

  int correct = 0;
  int solved = 0;
  for (const countdown::Problem& problem : problems) {
    bool solved_this = false;
    for (const Candidate& c :
         Propose(*generator_, ConstrainedToTheEnd(problem, 16, /*seed=*/1))) {
      if (countdown::CheckTrace(problem, c.steps).correct) {
        ++correct;
        solved_this = true;
      }
    }
    solved += solved_this;
  }
  // Random tiny models solved at most 3 of these 20 puzzles (constrained
  // play alone gets lucky on some); the shipped model solves 19
  // (docs/models.md: pass@16 = 0.74 on the test split).
  EXPECT_GE(solved, 10) << "only " << solved << " of the first 20 test "
                        << "puzzles solved with 16 samples each (" << correct
                        << " correct traces)";
  RecordProperty("correct_traces", correct);
  RecordProperty("puzzles_solved", solved);
}

}  // namespace
}  // namespace arts::model
