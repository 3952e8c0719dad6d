// Tests of the exhaustive Countdown solver.

#include "core/countdown/solver.h"

#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "core/countdown/checker.h"
#include "core/countdown/problem.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace arts::countdown {
namespace {

using ::testing::HasSubstr;

Problem P(absl::string_view text) {
  absl::StatusOr<Problem> p = ParseProblem(text);
  EXPECT_TRUE(p.ok()) << text << ": " << p.status();
  return p.ok() ? *p : Problem();
}

// Applies step texts to the initial state of `problem`.
State After(const Problem& problem, const std::vector<std::string>& steps) {
  TraceVerdict v = CheckTrace(problem, steps);
  EXPECT_TRUE(v.valid) << v.reason;
  return v.state;
}

// Whether any step of `steps` has a non-integer result.
bool UsesFraction(const std::vector<std::string>& steps) {
  for (const std::string& text : steps) {
    absl::StatusOr<Step> step = ParseStep(text);
    EXPECT_TRUE(step.ok()) << text;
    if (step.ok() && !step->result.is_integer()) return true;
  }
  return false;
}

void ExpectExampleSolves(const Problem& problem, const SolveFacts& facts) {
  ASSERT_FALSE(facts.example.empty());
  TraceVerdict v = CheckTrace(problem, facts.example);
  EXPECT_TRUE(v.valid) << v.reason;
  EXPECT_TRUE(v.terminal);
  EXPECT_TRUE(v.correct) << FormatProblem(problem);
}

// Solves `text`, which must be solvable, needing a fraction or not as
// `needs_fraction` says, with an example trace that solves it.
SolveFacts SolveSolvable(absl::string_view text, bool needs_fraction) {
  SCOPED_TRACE(text);
  const Problem problem = P(text);
  SolveFacts facts = Solve(problem);
  EXPECT_TRUE(facts.solvable);
  EXPECT_EQ(facts.needs_fraction, needs_fraction);
  ExpectExampleSolves(problem, facts);
  return facts;
}

TEST(SolverTest, OneFiveFiveFiveNeedsAFraction) {
  SolveFacts facts = SolveSolvable("1 5 5 5 -> 24", /*needs_fraction=*/true);
  EXPECT_GT(facts.num_solutions, 0);
  EXPECT_TRUE(UsesFraction(facts.example));
}

TEST(SolverTest, FourNineTenThirteen) {
  SolveFacts facts = SolveSolvable("4 9 10 13 -> 24", /*needs_fraction=*/false);
  EXPECT_GT(facts.num_solutions, 0);
}

TEST(SolverTest, ThreeThreeEightEightNeedsAFraction) {
  // The only way: 8 / (3 - 8/3).
  SolveFacts facts = SolveSolvable("3 3 8 8 -> 24", /*needs_fraction=*/true);
  ASSERT_EQ(facts.example.size(), 3u);
  EXPECT_TRUE(UsesFraction(facts.example));
  EXPECT_THAT(facts.example[0], HasSubstr("8/3"));
}

TEST(SolverTest, OneOneOneOneIsUnsolvable) {
  SolveFacts facts = Solve(P("1 1 1 1 -> 24"));
  EXPECT_FALSE(facts.solvable);
  EXPECT_FALSE(facts.needs_fraction);
  EXPECT_EQ(facts.num_solutions, 0);
  EXPECT_TRUE(facts.example.empty());
}

TEST(SolverTest, CountsDistinctSolutions) {
  // 2 3 -> 6: only 3 * 2 (the larger operand written first).
  SolveFacts facts = Solve(P("2 3 -> 6"));
  EXPECT_TRUE(facts.solvable);
  EXPECT_EQ(facts.num_solutions, 1);
  ASSERT_EQ(facts.example.size(), 1u);
  EXPECT_EQ(facts.example[0], "3 * 2 = 6 (left: 6)");

  // 2 2 -> 4: 2 + 2 and 2 * 2; copies of 2 are not told apart.
  facts = Solve(P("2 2 -> 4"));
  EXPECT_EQ(facts.num_solutions, 2);

  // 1 2 3 -> 0: 3 - 2 - 1 style traces only; every solution is exact.
  facts = Solve(P("1 2 3 -> 0"));
  EXPECT_TRUE(facts.solvable);
  EXPECT_FALSE(facts.needs_fraction);
}

TEST(SolverTest, TerminalStates) {
  State done = After(P("2 3 -> 6"), {"3 * 2 = 6 (left: 6)"});
  ASSERT_TRUE(done.terminal());
  SolveFacts facts = Solve(done);
  EXPECT_TRUE(facts.solvable);
  EXPECT_EQ(facts.num_solutions, 1);
  EXPECT_TRUE(facts.example.empty());  // nothing left to write
  EXPECT_TRUE(IsSolvable(done));

  State wrong = After(P("2 3 -> 6"), {"3 + 2 = 5 (left: 5)"});
  EXPECT_FALSE(Solve(wrong).solvable);
  EXPECT_FALSE(IsSolvable(wrong));
}

TEST(SolverTest, SolveFromAMidTraceState) {
  const Problem problem = P("4 9 10 13 -> 24");
  State good = After(problem, {"13 - 9 = 4 (left: 4 4 10)"});
  SolveFacts facts = Solve(good);
  EXPECT_TRUE(facts.solvable);
  // The example continues the prefix.
  std::vector<std::string> full = {"13 - 9 = 4 (left: 4 4 10)"};
  full.insert(full.end(), facts.example.begin(), facts.example.end());
  EXPECT_TRUE(CheckTrace(problem, full).correct);

  // A fraction already on the board makes every solution need one.
  State fraction = After(P("1 5 5 5 -> 24"), {"1 / 5 = 1/5 (left: 1/5 5 5)"});
  facts = Solve(fraction);
  EXPECT_TRUE(facts.solvable);
  EXPECT_TRUE(facts.needs_fraction);
}

TEST(SolverTest, IsSolvableAgreesWithSolve) {
  const std::vector<std::pair<std::string, std::vector<std::string>>> cases = {
      {"1 5 5 5 -> 24", {}},
      {"4 9 10 13 -> 24", {}},
      {"1 1 1 1 -> 24", {}},
      {"3 3 8 8 -> 24", {}},
      {"1 1 4 6 -> 24", {}},
      {"1 1 2 2 -> 24", {}},
      {"4 9 10 13 -> 24", {"13 - 9 = 4 (left: 4 4 10)"}},
      {"4 9 10 13 -> 24", {"13 + 10 = 23 (left: 4 9 23)"}},
      {"4 9 10 13 -> 24", {"4 * 9 = 36 (left: 10 13 36)"}},
      {"1 5 5 5 -> 24", {"5 + 5 = 10 (left: 1 5 10)"}},
      {"1 5 5 5 -> 24", {"1 / 5 = 1/5 (left: 1/5 5 5)"}},
      {"25 50 75 100 3 6 -> 952", {"100 + 6 = 106 (left: 3 25 50 75 106)"}},
      {"2 3 -> 7", {}},
  };
  int solvable = 0, unsolvable = 0;
  for (const auto& [problem_text, steps] : cases) {
    State state = After(P(problem_text), steps);
    const bool fast = IsSolvable(state);
    SolveFacts facts = Solve(state);
    EXPECT_EQ(fast, facts.solvable) << problem_text;
    EXPECT_EQ(facts.solvable, facts.num_solutions > 0) << problem_text;
    (fast ? solvable : unsolvable)++;
  }
  // The cases cover both answers.
  EXPECT_GT(solvable, 3);
  EXPECT_GT(unsolvable, 2);
}

TEST(SolverTest, KnownAnswersForIsSolvable) {
  EXPECT_TRUE(IsSolvable(InitialState(P("1 1 4 6 -> 24"))));
  EXPECT_TRUE(IsSolvable(InitialState(P("3 3 8 8 -> 24"))));
  EXPECT_FALSE(IsSolvable(InitialState(P("1 1 1 1 -> 24"))));
  EXPECT_FALSE(IsSolvable(InitialState(P("1 1 2 2 -> 24"))));
  EXPECT_FALSE(IsSolvable(InitialState(P("2 3 -> 7"))));
  EXPECT_TRUE(IsSolvable(InitialState(P("2 3 -> -1"))));
  EXPECT_TRUE(IsSolvable(InitialState(P("2 3 -> 2/3"))));
}

}  // namespace
}  // namespace arts::countdown
