// The exact verifier: log F from Countdown's solver on hand-picked traces
// (core/countdown/exact_value.h), and its Scorer (backends/local).

#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/time/clock.h"
#include "backends/local/exact_scorer.h"
#include "backends/local/load_scorer.h"
#include "core/countdown/checker.h"
#include "core/countdown/exact_value.h"
#include "core/countdown/problem.h"
#include "core/countdown/solver.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace arts::countdown {
namespace {

using ::testing::ElementsAre;
using ::testing::HasSubstr;

constexpr double kDead = kExactDeadLogFlow;

std::vector<double> Flows(absl::string_view problem,
                          const std::vector<std::string>& steps) {
  absl::StatusOr<Problem> parsed = ParseProblem(problem);
  EXPECT_TRUE(parsed.ok()) << problem << ": " << parsed.status();
  SolvableMemo memo;
  return ExactLogFlows(*parsed, steps, memo);
}

TEST(ExactVerifierTest, ALiveTraceStaysAtZeroToACorrectEnd) {
  EXPECT_THAT(Flows("4 9 10 13 -> 24",
                    {"13 - 9 = 4 (left: 4 4 10)", "10 - 4 = 6 (left: 4 6)",
                     "4 * 6 = 24 (left: 24)"}),
              ElementsAre(0, 0, 0, 0));
  // The problem alone: one entry.
  EXPECT_THAT(Flows("4 9 10 13 -> 24", {}), ElementsAre(0));
}

TEST(ExactVerifierTest, ALosingStepIsDeadAndStaysDead) {
  // 10 13 36 cannot make 24; the legal steps after it change nothing.
  EXPECT_THAT(Flows("4 9 10 13 -> 24",
                    {"4 * 9 = 36 (left: 10 13 36)", "13 - 10 = 3 (left: 3 36)",
                     "36 / 3 = 12 (left: 12)"}),
              ElementsAre(0, kDead, kDead, kDead));
  // A problem nothing solves is dead at the root.
  EXPECT_THAT(Flows("1 1 1 1 -> 24", {"1 + 1 = 2 (left: 1 1 2)"}),
              ElementsAre(kDead, kDead));
}

TEST(ExactVerifierTest, APuzzleThatNeedsAFractionIsLiveOnlyThroughIt) {
  // 1 5 5 5 -> 24 has one solution, 5 * (5 - 1/5).
  EXPECT_THAT(Flows("1 5 5 5 -> 24", {"1 / 5 = 1/5 (left: 1/5 5 5)",
                                      "5 - 1/5 = 24/5 (left: 5 24/5)",
                                      "5 * 24/5 = 24 (left: 24)"}),
              ElementsAre(0, 0, 0, 0));
  EXPECT_THAT(Flows("1 5 5 5 -> 24", {"1 + 5 = 6 (left: 5 5 6)"}),
              ElementsAre(0, kDead));
  EXPECT_THAT(Flows("1 5 5 5 -> 24", {"5 / 5 = 1 (left: 1 1 5)"}),
              ElementsAre(0, kDead));
}

TEST(ExactVerifierTest, AnIllegalStepIsDeadFromThere) {
  // Wrong arithmetic, a number that is not left, text that is no step.
  for (const char* bad : {"13 - 9 = 5 (left: 4 5 10)",
                          "13 - 7 = 6 (left: 4 6 10)", "let me think"}) {
    SCOPED_TRACE(bad);
    EXPECT_THAT(Flows("4 9 10 13 -> 24", {bad, "10 - 4 = 6 (left: 4 6)"}),
                ElementsAre(0, kDead, kDead));
  }
  // A step after the trace ended.
  EXPECT_THAT(Flows("2 3 -> 5", {"2 + 3 = 5 (left: 5)", "5 - 5 = 0 (left: 0)"}),
              ElementsAre(0, 0, kDead));
}

TEST(ExactVerifierTest, AWrongEndIsDead) {
  EXPECT_THAT(Flows("4 9 10 13 -> 24",
                    {"13 - 9 = 4 (left: 4 4 10)", "10 - 4 = 6 (left: 4 6)",
                     "4 + 6 = 10 (left: 10)"}),
              ElementsAre(0, 0, 0, kDead));
}

TEST(ExactVerifierTest, TheMemoAgreesWithTheSolver) {
  // One memo across many problems and their first steps, five- and
  // six-number ones included, as a server's memo would be.
  SolvableMemo memo;
  const std::vector<std::string> problems = {
      "1 5 5 5 -> 24",   "1 1 1 1 -> 24",          "3 3 8 8 -> 24",
      "1 1 2 2 -> 24",   "4 9 10 13 -> 24",        "2 3 -> 7",
      "1 2 3 4 5 -> 97", "25 50 75 100 3 6 -> 952"};
  for (const std::string& text : problems) {
    SCOPED_TRACE(text);
    const State root = InitialState(*ParseProblem(text));
    EXPECT_EQ(IsSolvable(root, memo), IsSolvable(root));
    if (root.left.size() > 4) continue;  // the first steps of small ones
    for (size_t i = 0; i < root.left.size(); ++i) {
      for (size_t j = i + 1; j < root.left.size(); ++j) {
        absl::StatusOr<Step> step =
            CompleteStep(root, root.left[i], '-', root.left[j]);
        if (!step.ok()) continue;
        const State next{root.problem, step->left};
        EXPECT_EQ(IsSolvable(next, memo), IsSolvable(next));
      }
    }
  }
  EXPECT_FALSE(memo.empty());
}

TEST(ExactScorerTest, ScoresEveryPrefixOfEveryTrace) {
  backends::ExactScorer scorer;
  backend::ScoreRequest request;
  request.traces = {{"1 5 5 5 -> 24", {"1 / 5 = 1/5 (left: 1/5 5 5)"}},
                    {"1 5 5 5 -> 24", {"1 + 5 = 6 (left: 5 5 6)"}},
                    {"1 1 1 1 -> 24", {}}};
  absl::StatusOr<std::vector<std::vector<double>>> scores =
      scorer.Score(request, {});
  ASSERT_TRUE(scores.ok()) << scores.status();
  EXPECT_THAT(*scores, ElementsAre(ElementsAre(0, 0), ElementsAre(0, kDead),
                                   ElementsAre(kDead)));
  // The task left empty is countdown, the contract's default.
  request.task = "";
  EXPECT_TRUE(scorer.Score(request, {}).ok());
}

TEST(ExactScorerTest, BadInputIsNamedAndOtherTasksAreRefused) {
  backends::ExactScorer scorer;
  backend::ScoreRequest request;
  request.task = "text";
  request.traces = {{"spell cab", {}}};
  absl::StatusOr<std::vector<std::vector<double>>> scores =
      scorer.Score(request, {});
  EXPECT_EQ(scores.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(scores.status().message(),
              HasSubstr("task: the exact verifier knows countdown only, got "
                        "'text'"));
  EXPECT_FALSE(backends::ExactScorer::CheckTask("text").ok());
  EXPECT_TRUE(backends::ExactScorer::CheckTask("countdown").ok());

  request.task = "countdown";
  request.traces = {};
  EXPECT_THAT(scorer.Score(request, {}).status().message(),
              HasSubstr("traces: at least one trace"));
  request.traces = {{"4 9 10 13 -> 24", {}}, {"4 9 x -> 24", {}}};
  scores = scorer.Score(request, {});
  EXPECT_EQ(scores.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(scores.status().message(), HasSubstr("traces[1].problem: "));
  request.traces.assign(backend::kMaxTracesPerScore + 1,
                        {"4 9 10 13 -> 24", {}});
  EXPECT_THAT(scorer.Score(request, {}).status().message(),
              HasSubstr("traces: at most 256"));

  // A call whose deadline has passed scores nothing.
  request.traces = {{"4 9 10 13 -> 24", {}}};
  backend::CallContext late;
  late.deadline = absl::Now() - absl::Seconds(1);
  EXPECT_EQ(scorer.Score(request, late).status().code(),
            absl::StatusCode::kDeadlineExceeded);
}

TEST(ExactScorerTest, TheWordExactLoadsItWithNoModel) {
  EXPECT_TRUE(backends::IsExactVerifier("exact"));
  EXPECT_FALSE(backends::IsExactVerifier("./exact"));
  absl::StatusOr<backends::LoadedScorer> loaded = backends::LoadScorer("exact");
  ASSERT_TRUE(loaded.ok()) << loaded.status();
  EXPECT_EQ(loaded->num_parameters, 0);
  backend::ScoreRequest request;
  request.traces = {{"4 9 10 13 -> 24", {"4 * 9 = 36 (left: 10 13 36)"}}};
  absl::StatusOr<std::vector<std::vector<double>>> scores =
      loaded->scorer->Score(request, {});
  ASSERT_TRUE(scores.ok()) << scores.status();
  EXPECT_THAT(*scores, ElementsAre(ElementsAre(0, kDead)));
}

}  // namespace
}  // namespace arts::countdown
