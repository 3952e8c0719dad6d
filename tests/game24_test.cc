// Tests of the Game-of-24 benchmark data, its splits and the guard that keeps
// held-out puzzles out of training data.

#include "core/countdown/game24.h"

#include <unistd.h>

#include <algorithm>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <random>
#include <set>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/str_cat.h"
#include "core/countdown/checker.h"
#include "core/countdown/problem.h"
#include "core/countdown/solver.h"
#include "core/countdown/step.h"
#include "core/training/base_policy.h"
#include "core/training/generated_problems.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace arts::countdown {
namespace {

using ::testing::HasSubstr;

std::vector<Rational> Sorted(std::vector<Rational> numbers) {
  std::sort(numbers.begin(), numbers.end());
  return numbers;
}

// Loads 24.csv once for all tests.
const std::vector<Game24Puzzle>& Puzzles() {
  static const std::vector<Game24Puzzle>* puzzles = [] {
    absl::StatusOr<std::vector<Game24Puzzle>> loaded =
        LoadGame24(DefaultGame24Path());
    EXPECT_TRUE(loaded.ok()) << loaded.status();
    return new std::vector<Game24Puzzle>(
        loaded.ok() ? *std::move(loaded) : std::vector<Game24Puzzle>());
  }();
  return *puzzles;
}

// A file under the test's temporary directory, removed at the end.
class TempFile {
 public:
  TempFile(const std::string& name, const std::string& contents)
      : path_((std::filesystem::path(::testing::TempDir()) /
               absl::StrCat("game24_test_", ::getpid(), "_", name))
                  .string()) {
    std::ofstream out(path_, std::ios::binary | std::ios::trunc);
    out << contents;
  }
  ~TempFile() { std::remove(path_.c_str()); }
  const std::string& path() const { return path_; }

 private:
  std::string path_;
};

constexpr char kHeader[] =
    "Rank,Puzzles,AMT (s),Solved rate,1-sigma Mean (s),1-sigma STD (s)\n";

TEST(Game24Test, LoadsAllPuzzles) {
  const std::vector<Game24Puzzle>& puzzles = Puzzles();
  ASSERT_EQ(puzzles.size(), 1362u);
  for (size_t i = 0; i < puzzles.size(); ++i) {
    EXPECT_EQ(puzzles[i].rank, static_cast<int>(i) + 1);
    EXPECT_EQ(puzzles[i].problem.numbers.size(), 4u);
    EXPECT_EQ(puzzles[i].problem.target, Rational(24));
  }
  EXPECT_EQ(FormatProblem(puzzles[0].problem), "1 1 4 6 -> 24");
  EXPECT_EQ(puzzles[0].split, Split::kTrain);
}

TEST(Game24Test, Splits) {
  const std::vector<Game24Puzzle>& puzzles = Puzzles();
  EXPECT_EQ(ProblemsOf(puzzles, Split::kTrain).size(), 900u);
  EXPECT_EQ(ProblemsOf(puzzles, Split::kTest).size(), 100u);
  EXPECT_EQ(ProblemsOf(puzzles, Split::kTail).size(), 362u);
  for (const Game24Puzzle& p : puzzles) {
    EXPECT_EQ(p.split, SplitOfRank(p.rank));
  }
  EXPECT_EQ(SplitOfRank(1), Split::kTrain);
  EXPECT_EQ(SplitOfRank(900), Split::kTrain);
  EXPECT_EQ(SplitOfRank(901), Split::kTest);
  EXPECT_EQ(SplitOfRank(1000), Split::kTest);
  EXPECT_EQ(SplitOfRank(1001), Split::kTail);
  EXPECT_EQ(SplitOfRank(1362), Split::kTail);
}

TEST(Game24Test, SplitNamesRoundTrip) {
  for (Split split : {Split::kTrain, Split::kTest, Split::kTail}) {
    absl::StatusOr<Split> parsed = ParseSplit(SplitName(split));
    ASSERT_TRUE(parsed.ok());
    EXPECT_EQ(*parsed, split);
  }
  absl::StatusOr<Split> bad = ParseSplit("validation");
  ASSERT_FALSE(bad.ok());
  EXPECT_EQ(bad.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(bad.status().message(), HasSubstr("validation"));
}

TEST(Game24Test, PuzzlesAreDistinctMultisets) {
  std::set<std::vector<Rational>> seen;
  for (const Game24Puzzle& p : Puzzles()) {
    EXPECT_TRUE(seen.insert(Sorted(p.problem.numbers)).second)
        << "rank " << p.rank << " repeats " << FormatProblem(p.problem);
  }
}

TEST(Game24Test, EveryPuzzleIsSolvable) {
  // IsSolvable stops at the first solution: all 1362 take well under a
  // second. The full enumeration runs on the test split, the benchmark.
  for (const Game24Puzzle& p : Puzzles()) {
    EXPECT_TRUE(IsSolvable(InitialState(p.problem)))
        << "rank " << p.rank << ": " << FormatProblem(p.problem);
  }
  for (const Game24Puzzle& p : Puzzles()) {
    if (p.split != Split::kTest) continue;
    SolveFacts facts = Solve(p.problem);
    EXPECT_TRUE(facts.solvable) << FormatProblem(p.problem);
    EXPECT_TRUE(CheckTrace(p.problem, facts.example).correct)
        << FormatProblem(p.problem);
  }
}

TEST(Game24Test, HeldOutGuardHoldsOutTestAndTail) {
  const std::vector<Game24Puzzle>& puzzles = Puzzles();
  HeldOutGuard guard(puzzles);
  EXPECT_EQ(guard.size(), 462u);
  std::mt19937_64 rng(11);
  int held_out = 0;
  for (const Game24Puzzle& p : puzzles) {
    Problem problem = p.problem;
    if (p.split == Split::kTrain) {
      // The multisets are distinct (PuzzlesAreDistinctMultisets), so no train
      // puzzle shares its numbers with a held-out one.
      EXPECT_FALSE(guard.IsHeldOut(problem))
          << "train puzzle rank " << p.rank << " is held out";
      continue;
    }
    ++held_out;
    // Any order of the numbers, any target.
    std::vector<Rational> numbers = problem.numbers;
    std::sort(numbers.begin(), numbers.end());
    do {
      EXPECT_TRUE(guard.IsHeldOut(Problem{numbers, 24}))
          << "rank " << p.rank << ": " << JoinNumbers(numbers);
    } while (std::next_permutation(numbers.begin(), numbers.end()));
    std::shuffle(numbers.begin(), numbers.end(), rng);
    EXPECT_TRUE(guard.IsHeldOut(Problem{numbers, 100}));
  }
  EXPECT_EQ(held_out, 462);
}

TEST(Game24Test, GeneratedProblemsAvoidHeldOutAndValidationPuzzles) {
  const std::vector<Game24Puzzle>& puzzles = Puzzles();
  HeldOutGuard guard(puzzles);
  std::set<std::vector<Rational>> validation;
  for (const Game24Puzzle& p : puzzles) {
    if (p.split == Split::kTrain && p.rank >= 801) {
      std::vector<Rational> numbers = p.problem.numbers;
      std::sort(numbers.begin(), numbers.end());
      validation.insert(numbers);
    }
  }
  ASSERT_EQ(validation.size(), 100u);
  const training::GeneratedProblemOptions options;
  const std::vector<Problem> problems =
      training::GenerateProblems(3000, 5, options, puzzles);
  ASSERT_EQ(problems.size(), 3000u);
  int target24 = 0, four_numbers = 0;
  for (const Problem& problem : problems) {
    EXPECT_GE(problem.numbers.size(), 3u);
    EXPECT_LE(problem.numbers.size(), 5u);
    EXPECT_FALSE(guard.IsHeldOut(problem)) << FormatProblem(problem);
    std::vector<Rational> sorted = problem.numbers;
    std::sort(sorted.begin(), sorted.end());
    EXPECT_EQ(validation.count(sorted), 0u) << FormatProblem(problem);
    target24 += problem.target == Rational(24);
    four_numbers += problem.numbers.size() == 4;
    EXPECT_TRUE(problem.target.is_integer());
    EXPECT_GE(problem.target.num(), 1);
    EXPECT_LE(problem.target.num(), options.max_target);
  }
  // About half ask for 24 (others may reach 24 by chance too); a quarter
  // or more have four numbers, so the guard had work to do.
  EXPECT_GT(target24, 1350);
  EXPECT_LT(target24, 1750);
  EXPECT_GT(four_numbers, 600);
  EXPECT_EQ(training::GenerateProblems(50, 5, options, puzzles),
            std::vector<Problem>(problems.begin(), problems.begin() + 50));
}

TEST(Game24Test, HeldOutGuardIgnoresOtherMultisets) {
  HeldOutGuard guard(Puzzles());
  // 1 1 1 1 is not a puzzle at all; 1 1 4 6 is rank 1, in the train split.
  EXPECT_FALSE(guard.IsHeldOut(Problem{{1, 1, 1, 1}, 24}));
  EXPECT_FALSE(guard.IsHeldOut(Problem{{6, 4, 1, 1}, 24}));
  // A subset of a held-out multiset is a different problem.
  const Problem test_puzzle = ProblemsOf(Puzzles(), Split::kTest).front();
  ASSERT_TRUE(guard.IsHeldOut(test_puzzle));
  std::vector<Rational> three(test_puzzle.numbers.begin(),
                              test_puzzle.numbers.begin() + 3);
  EXPECT_FALSE(guard.IsHeldOut(Problem{three, 24}));
  // An empty guard holds out nothing.
  HeldOutGuard empty(std::vector<Game24Puzzle>{});
  EXPECT_EQ(empty.size(), 0u);
  EXPECT_FALSE(empty.IsHeldOut(test_puzzle));
}

TEST(Game24Test, MissingFileIsNotFoundNamingThePath) {
  const std::string path =
      (std::filesystem::path(::testing::TempDir()) / "no_such_dir/24.csv")
          .string();
  absl::StatusOr<std::vector<Game24Puzzle>> loaded = LoadGame24(path);
  ASSERT_FALSE(loaded.ok());
  EXPECT_EQ(loaded.status().code(), absl::StatusCode::kNotFound);
  EXPECT_THAT(loaded.status().message(), HasSubstr(path));
}

TEST(Game24Test, MalformedCsvNamesTheLine) {
  struct Case {
    std::string name;
    std::string body;  // after the header
    int bad_line;
  };
  const std::vector<Case> cases = {
      {"bad_rank", "1,1 1 4 6,4.4\nx,1 1 11 11,4.41\n", 3},
      {"three_numbers", "1,1 1 4 6,4.4\n2,1 1 11,4.41\n", 3},
      {"five_numbers", "1,1 1 4 6,4.4\n2,1 1 11 11 2,4.41\n", 3},
      {"junk_number", "1,1 1 4 x,4.4\n", 2},
      {"double_space", "1,1 1 4 6,4.4\n2,1 1 4 6,1\n3,1  1 3 8,4.45\n", 4},
      {"one_field", "1,1 1 4 6,4.4\n2\n", 3},
  };
  for (const Case& c : cases) {
    TempFile file(c.name + ".csv", kHeader + c.body);
    absl::StatusOr<std::vector<Game24Puzzle>> loaded = LoadGame24(file.path());
    ASSERT_FALSE(loaded.ok()) << c.name;
    EXPECT_NE(loaded.status().code(), absl::StatusCode::kNotFound) << c.name;
    EXPECT_THAT(loaded.status().message(),
                HasSubstr(absl::StrCat(file.path(), ":", c.bad_line)))
        << c.name;
  }
}

TEST(Game24Test, LoadsSmallFileWithCrLfAndBlankLines) {
  TempFile file("small.csv", std::string(kHeader) +
                                 "1,1 1 4 6,4.4\r\n\n1001,3 3 8 8,20\r\n");
  absl::StatusOr<std::vector<Game24Puzzle>> loaded = LoadGame24(file.path());
  ASSERT_TRUE(loaded.ok()) << loaded.status();
  ASSERT_EQ(loaded->size(), 2u);
  EXPECT_EQ(FormatProblem((*loaded)[1].problem), "3 3 8 8 -> 24");
  EXPECT_EQ((*loaded)[1].split, Split::kTail);

  TempFile empty("empty.csv", kHeader);
  EXPECT_FALSE(LoadGame24(empty.path()).ok());
}

// The split-exclusion check: training traces from the base policy never use a
// held-out multiset, and each one solves its own problem.
TEST(Game24Test, BasePolicyNeverDrawsHeldOutPuzzles) {
  HeldOutGuard guard(Puzzles());
  ASSERT_EQ(guard.size(), 462u);
  training::BasePolicyOptions options;
  options.p_target24 = 0.25;
  training::BasePolicy policy(options, &guard, {});
  std::mt19937_64 rng(20240601);
  int target24 = 0;
  for (int i = 0; i < 2000; ++i) {
    training::TrainingTrace trace = policy.Sample(rng);
    ASSERT_EQ(trace.problem.numbers.size(), 4u);
    ASSERT_FALSE(guard.IsHeldOut(trace.problem))
        << "sample " << i << " draws held-out " << FormatProblem(trace.problem);
    std::vector<std::string> steps;
    for (const Step& step : trace.steps) steps.push_back(FormatStep(step));
    TraceVerdict v = CheckTrace(trace.problem, steps);
    ASSERT_TRUE(v.correct) << "sample " << i << ": "
                           << FormatProblem(trace.problem) << ": " << v.reason;
    ASSERT_EQ(steps.size(), 3u);
    for (const Rational& n : trace.problem.numbers) {
      EXPECT_TRUE(n.is_integer() && n.num() >= 1 && n.num() <= 13);
    }
    EXPECT_TRUE(trace.problem.target.is_integer());
    EXPECT_GE(trace.problem.target.num(), 0);
    EXPECT_LE(trace.problem.target.num(), 200);
    if (trace.problem.target == Rational(24)) ++target24;
  }
  // p_target24 = 0.25: about 500 of 2000 (plus hindsight hits on 24).
  EXPECT_GT(target24, 400);
  EXPECT_LT(target24, 700);
}

TEST(Game24Test, BasePolicyHonoursExtraHeldOut) {
  training::BasePolicyOptions options;
  options.p_target24 = 0;  // 1..3 cannot always reach 24
  options.min_number = 1;
  options.max_number = 3;
  // Unsorted on purpose: the policy sorts it.
  training::BasePolicy policy(options, nullptr, {{3, 1, 2, 1}});
  std::mt19937_64 rng(5);
  const std::vector<Rational> banned = {1, 1, 2, 3};
  std::set<std::vector<Rational>> drawn;
  for (int i = 0; i < 2000; ++i) {
    training::TrainingTrace trace = policy.Sample(rng);
    std::vector<Rational> numbers = Sorted(trace.problem.numbers);
    ASSERT_NE(numbers, banned);
    drawn.insert(numbers);
  }
  // Every other multiset of 1..3 (15 in all, one banned) shows up.
  EXPECT_EQ(drawn.size(), 14u);
}

}  // namespace
}  // namespace arts::countdown
