// The pieces behind the RL comparison that need no sampling run: per-puzzle
// sample counts (CSV round trip and errors), pass@k over them, the paper's
// subsets on hand-built counts, subset files read back as puzzle lists, the
// pass@k plot; and EvaluateGenerator drawing more traces than one call holds.

#include "core/eval/sample_counts.h"

#include <memory>
#include <string>
#include <vector>

#include "absl/strings/match.h"
#include "core/countdown/problem.h"
#include "core/countdown/problem_list.h"
#include "core/eval/generator_eval.h"
#include "core/eval/pass_at_k.h"
#include "core/eval/pass_at_k_plot.h"
#include "core/eval/subsets.h"
#include "core/model/generator.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "tests/test_support.h"
#include "tests/tiny_models.h"

namespace arts::eval {
namespace {

using ::arts::testing_support::TempDir;
using ::arts::testing_support::WriteFile;
using ::testing::HasSubstr;

TEST(SampleCountsTest, CsvRoundTripsAndBadRowsAreNamed) {
  const std::vector<SampleCounts> rows = {{"1 2 4 7 -> 24", 256, 31, 6000},
                                          {"4 9 10 13 -> 24", 256, 0, 6400}};
  const std::string csv =
      SampleCountsCsv({"arts eval-generator --seed 1", rows});
  EXPECT_TRUE(absl::StartsWith(
      csv, "# made by: arts eval-generator --seed 1\nproblem,samples,"))
      << csv;
  absl::StatusOr<SampleCountsFile> parsed =
      ParseSampleCountsCsv(csv, "counts.csv");
  ASSERT_TRUE(parsed.ok()) << parsed.status();
  EXPECT_EQ(parsed->made_by, "arts eval-generator --seed 1");
  ASSERT_EQ(parsed->rows.size(), 2u);
  EXPECT_EQ(parsed->rows[1].problem, "4 9 10 13 -> 24");
  EXPECT_EQ(parsed->rows[0].correct, 31);
  EXPECT_EQ(parsed->rows[1].tokens, 6400);
  parsed = ParseSampleCountsCsv(SampleCountsCsv({"", rows}), "counts.csv");
  ASSERT_TRUE(parsed.ok()) << parsed.status();
  EXPECT_EQ(parsed->made_by, "");
  EXPECT_EQ(parsed->rows.size(), 2u);

  for (const char* bad :
       {"problem,samples,correct,tokens\n1 2 4 7 -> 24,16,17,300\n",
        "problem,samples,correct,tokens\n1 2 4 7,16,1,300\n",
        "problem,samples,correct,tokens\n1 2 4 7 -> 24,16,1\n"}) {
    absl::StatusOr<SampleCountsFile> r =
        ParseSampleCountsCsv(bad, "counts.csv");
    EXPECT_TRUE(absl::IsInvalidArgument(r.status())) << bad;
    EXPECT_THAT(r.status().message(), HasSubstr("counts.csv: line 2")) << bad;
  }
  EXPECT_THAT(ParseSampleCountsCsv("p,n\n", "x.csv").status().message(),
              HasSubstr("header"));
  EXPECT_TRUE(absl::IsNotFound(ReadSampleCounts("/no/such/file").status()));
}

TEST(SampleCountsTest, PassAtKAndTokensAreMeansOverPuzzles) {
  const std::vector<SampleCounts> rows = {{"1 2 4 7 -> 24", 4, 1, 40},
                                          {"4 9 10 13 -> 24", 4, 0, 80}};
  EXPECT_DOUBLE_EQ(PassAtKOver(rows, 1), (0.25 + 0) / 2);
  EXPECT_DOUBLE_EQ(PassAtKOver(rows, 2), (0.5 + 0) / 2);
  EXPECT_DOUBLE_EQ(PassAtKOver(rows, 4), (1.0 + 0) / 2);
  EXPECT_DOUBLE_EQ(TokensPerSample(rows), (10 + 20) / 2.0);
}

TEST(SubsetsTest, RareExtinctionAndFractionFollowTheirDefinitions) {
  // 1 5 5 5 needs a fraction: 5 * (5 - 1 / 5).
  SplitCounts test{"test",
                   {{"1 2 4 7 -> 24", 256, 32, 0},    // 2 of 16: rare
                    {"2 5 8 11 -> 24", 256, 33, 0},   // more than 2 of 16
                    {"1 5 5 5 -> 24", 256, 1, 0},     // rare, extinct
                    {"4 9 10 13 -> 24", 256, 0, 0}},  // never solved
                   {{"1 2 4 7 -> 24", 256, 200, 0},
                    {"2 5 8 11 -> 24", 256, 0, 0},
                    {"1 5 5 5 -> 24", 256, 0, 0},
                    {"4 9 10 13 -> 24", 256, 0, 0}}};
  absl::StatusOr<Subsets> subsets = SelectSubsets({test});
  ASSERT_TRUE(subsets.ok()) << subsets.status();
  auto problems = [](const std::vector<SubsetMember>& members) {
    std::vector<std::string> out;
    for (const SubsetMember& m : members) out.push_back(m.base.problem);
    return out;
  };
  EXPECT_THAT(problems(subsets->rare),
              ::testing::ElementsAre("1 2 4 7 -> 24", "1 5 5 5 -> 24"));
  EXPECT_THAT(problems(subsets->extinction),
              ::testing::ElementsAre("2 5 8 11 -> 24", "1 5 5 5 -> 24"));
  EXPECT_THAT(problems(subsets->needs_fraction),
              ::testing::ElementsAre("1 5 5 5 -> 24"));
  EXPECT_EQ(subsets->rare[0].split, "test");
  EXPECT_EQ(subsets->rare[0].rl.correct, 200);

  SplitCounts mismatched = test;
  mismatched.rl[1].problem = "1 1 1 1 -> 24";
  EXPECT_THAT(SelectSubsets({mismatched}).status().message(),
              HasSubstr("test row 2"));
  mismatched.rl.pop_back();
  EXPECT_TRUE(absl::IsInvalidArgument(SelectSubsets({mismatched}).status()));
}

TEST(SubsetsTest, SubsetFilesReadBackAsPuzzleLists) {
  TempDir dir("sample_counts_test");
  const std::string path = dir.File("rare.csv");
  const SubsetMember member{
      "tail", {"1 5 5 5 -> 24", 256, 3, 0}, {"1 5 5 5 -> 24", 256, 0, 0}};
  const std::string csv = SubsetCsv({member}, "rare: a comment\nmade by: me");
  EXPECT_TRUE(absl::StartsWith(csv, "# rare: a comment\n# made by: me\n"))
      << csv;
  EXPECT_THAT(csv, HasSubstr("1 5 5 5 -> 24,tail,256,3,0\n"));
  WriteFile(path, csv);
  absl::StatusOr<std::vector<countdown::Problem>> problems =
      countdown::LoadProblemList(path);
  ASSERT_TRUE(problems.ok()) << problems.status();
  ASSERT_EQ(problems->size(), 1u);
  EXPECT_EQ(countdown::FormatProblem((*problems)[0]), "1 5 5 5 -> 24");

  WriteFile(path, "# only a comment\n1 2 4 7 -> 24\n1 2 x -> 24\n");
  EXPECT_THAT(countdown::LoadProblemList(path).status().message(),
              HasSubstr(path + ": line 3"));
  WriteFile(path, "# nothing\n");
  EXPECT_TRUE(
      absl::IsInvalidArgument(countdown::LoadProblemList(path).status()));
}

TEST(PassAtKPlotTest, DrawsOneLinePerCurveOnALog2Axis) {
  const std::string svg =
      PassAtKSvg({{"base test", "#1f77b4", false, {0.1, 0.2, 0.35, 0.5}},
                  {"RL test", "#1f77b4", true, {0.3, 0.38, 0.42, 0.45}}});
  EXPECT_TRUE(absl::StartsWith(svg, "<svg")) << svg;
  EXPECT_TRUE(absl::EndsWith(svg, "</svg>\n"));
  size_t lines = 0;
  for (size_t at = svg.find("<polyline"); at != std::string::npos;
       at = svg.find("<polyline", at + 1)) {
    ++lines;
  }
  EXPECT_EQ(lines, 2u);
  ASSERT_NE(svg.find("stroke-dasharray"), std::string::npos);
  EXPECT_EQ(svg.find("stroke-dasharray"), svg.rfind("stroke-dasharray"));
  EXPECT_THAT(svg, HasSubstr(">8</text>"));  // the k axis: 1 2 4 8
  EXPECT_THAT(svg, HasSubstr(">RL test</text>"));
}

TEST(GeneratorEvalTest, DrawsMoreTracesThanOneCallHolds) {
  TempDir dir("sample_counts_test");
  const std::string path = dir.File("tiny.ckpt");
  testing_support::SaveTinyGenerator(path, /*seed=*/5);
  absl::StatusOr<std::unique_ptr<model::Generator>> generator =
      model::Generator::Load(path);
  ASSERT_TRUE(generator.ok()) << generator.status();
  const std::vector<countdown::Problem> problems = {
      *countdown::ParseProblem("1 2 4 7 -> 24"),
      *countdown::ParseProblem("4 9 10 13 -> 24")};
  GeneratorEvalOptions options;
  options.samples = model::kMaxCandidates + 6;
  options.sampling.constrained = true;
  options.sampling.seed = 3;
  absl::StatusOr<GeneratorEvalResult> result =
      EvaluateGenerator(**generator, problems, options);
  ASSERT_TRUE(result.ok()) << result.status();
  EXPECT_EQ(result->traces, 2 * options.samples);
  ASSERT_EQ(result->correct_by_problem.size(), 2u);
  ASSERT_EQ(result->tokens_by_problem.size(), 2u);
  EXPECT_EQ(result->tokens_by_problem[0] + result->tokens_by_problem[1],
            result->tokens_generated);
  EXPECT_EQ(result->correct_by_problem[0] + result->correct_by_problem[1],
            result->correct_traces);
  EXPECT_DOUBLE_EQ(result->pass_at_k(1), result->pass_at_1);
  EXPECT_THAT(result->PassAtKLine(), HasSubstr(" k=64 "));

  // The same seed draws the same traces.
  absl::StatusOr<GeneratorEvalResult> again =
      EvaluateGenerator(**generator, problems, options);
  ASSERT_TRUE(again.ok());
  EXPECT_EQ(again->tokens_by_problem, result->tokens_by_problem);

  options.samples = kMaxEvalSamples + 1;
  EXPECT_TRUE(absl::IsInvalidArgument(
      EvaluateGenerator(**generator, problems, options).status()));
}

}  // namespace
}  // namespace arts::eval
