// The evaluation harness: real searches (bundled generator, tiny verifier)
// judged by the checker, and the files it writes.

#include "core/eval/search_eval.h"

#include <sstream>
#include <string>
#include <vector>

#include "backends/local/local_policy.h"
#include "backends/local/local_scorer.h"
#include "core/countdown/checker.h"
#include "core/countdown/problem.h"
#include "core/model/generator.h"
#include "core/search/search.h"
#include "core/verifier/flow_verifier.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "tests/test_support.h"
#include "tests/tiny_models.h"

namespace arts::eval {
namespace {

using ::testing::HasSubstr;

TEST(SearchEvalTest, JudgesTopAnswerAndOracleWithTheChecker) {
  auto generator = model::Generator::Load(ARTS_MODELS_DIR "/generator.ckpt");
  ASSERT_TRUE(generator.ok()) << generator.status();
  model::TransformerConfig config = testing_support::TinyTransformerConfig();
  config.output_size = 1;
  verifier::FlowVerifier verifier(
      testing_support::MakeTinyTransformer(3, config), {});
  backends::LocalPolicy policy(**generator);
  backends::LocalScorer scorer(verifier);
  std::vector<countdown::Problem> problems;
  for (const char* text :
       {"4 9 10 13 -> 24", "1 1 4 6 -> 24", "3 3 8 8 -> 24"}) {
    problems.push_back(*countdown::ParseProblem(text));
  }
  search::SearchOptions options;
  options.strategy = search::Strategy::kBestOfN;
  options.n = 8;
  options.constrained = true;
  int calls = 0;
  options.seed = 10;
  std::ostringstream progress;
  absl::StatusOr<std::vector<SearchEvalRow>> rows = EvaluateSearch(
      problems, options,
      [&](const std::string& problem, const search::SearchOptions& o) {
        EXPECT_EQ(o.top_n, search::kMaxTopN);  // the harness sees every answer
        EXPECT_EQ(o.seed, 10u + calls);        // independent puzzles
        ++calls;
        return search::RunSearch(policy, &scorer, problem, o);
      },
      progress);
  ASSERT_TRUE(rows.ok()) << rows.status();
  ASSERT_EQ(rows->size(), 3u);
  EXPECT_EQ(calls, 3);
  for (size_t i = 0; i < rows->size(); ++i) {
    const SearchEvalRow& row = (*rows)[i];
    EXPECT_EQ(row.problem, countdown::FormatProblem(problems[i]));
    EXPECT_TRUE(!row.success || row.oracle);  // the ceiling bounds success
    EXPECT_GT(row.cost.tokens_generated, 0);
  }
  EXPECT_THAT(progress.str(), HasSubstr("[3/3]"));

  const SearchEvalSummary summary = Summarize("bon8", "test", *rows);
  EXPECT_EQ(summary.puzzles, 3);
  EXPECT_LE(summary.success, summary.oracle);
  EXPECT_GT(summary.mean_tokens, 0);
}

TEST(SearchEvalTest, FailuresNameThePuzzle) {
  std::ostringstream progress;
  absl::StatusOr<std::vector<SearchEvalRow>> rows = EvaluateSearch(
      {*countdown::ParseProblem("1 2 3 4 -> 24")}, search::SearchOptions(),
      [](const std::string&,
         const search::SearchOptions&) -> absl::StatusOr<search::SearchResult> {
        return absl::UnavailableError("orchestrator down");
      },
      progress);
  EXPECT_EQ(rows.status().code(), absl::StatusCode::kUnavailable);
  EXPECT_THAT(std::string(rows.status().message()),
              HasSubstr("1 2 3 4 -> 24: orchestrator down"));
}

TEST(SearchEvalTest, SummariesRoundTripMergeAndRender) {
  testing_support::TempDir dir("search_eval_test");
  const std::string path = dir.File("summary.csv");
  absl::StatusOr<std::vector<SearchEvalSummary>> none = ReadSummaries(path);
  ASSERT_TRUE(none.ok());
  EXPECT_TRUE(none->empty());

  std::vector<SearchEvalSummary> summaries;
  SearchEvalSummary a{"bon16-flow", "test", 100, 0.5, 0.75, 400, 1, 1, 0.2};
  SearchEvalSummary b{"arts", "tail", 362, 0.25, 0.5, 300, 7, 9, 0.5};
  MergeSummary(summaries, a);
  MergeSummary(summaries, b);
  a.success = 0.6;
  MergeSummary(summaries, a);  // same label and split: replaced
  ASSERT_EQ(summaries.size(), 2u);
  ASSERT_TRUE(WriteSummaries(path, summaries).ok());
  absl::StatusOr<std::vector<SearchEvalSummary>> read = ReadSummaries(path);
  ASSERT_TRUE(read.ok()) << read.status();
  ASSERT_EQ(read->size(), 2u);
  EXPECT_EQ((*read)[0].label, "bon16-flow");
  EXPECT_DOUBLE_EQ((*read)[0].success, 0.6);
  EXPECT_EQ((*read)[1].puzzles, 362);

  const std::string table = SummaryMarkdown(*read);
  EXPECT_THAT(table, HasSubstr("| test | bon16-flow | 100 | 60.0% | 75.0% |"));
  const std::string svg = SummarySvg(*read);
  EXPECT_THAT(svg, HasSubstr("<svg"));
  EXPECT_THAT(svg, HasSubstr(">bon16-flow</text>"));
  EXPECT_THAT(svg, HasSubstr("tail split"));
  EXPECT_THAT(svg, ::testing::Not(HasSubstr("<polyline")));

  // Labels STEM@BUDGET make one curve per stem, named once.
  std::vector<SearchEvalSummary> curve = {
      {"arts-flow@256", "test", 100, 0.7, 0.7, 240, 9, 30, 0.3},
      {"arts-flow@64", "test", 100, 0.3, 0.3, 60, 3, 8, 0.1},
      {"arts-flow@128", "test", 100, 0.5, 0.5, 120, 5, 16, 0.2}};
  const std::string curves = SummarySvg(curve);
  EXPECT_EQ(curves.find("<polyline"), curves.rfind("<polyline"));
  EXPECT_THAT(curves, HasSubstr(">arts-flow</text>"));
  EXPECT_THAT(curves, ::testing::Not(HasSubstr("arts-flow@")));

  testing_support::WriteFile(path, "header\nnot,a,summary\n");
  EXPECT_EQ(ReadSummaries(path).status().code(), absl::StatusCode::kDataLoss);
}

TEST(SearchEvalTest, RowsCsvQuotesTheAnswer) {
  testing_support::TempDir dir("search_eval_test");
  SearchEvalRow row;
  row.problem = "4 9 10 13 -> 24";
  row.success = true;
  row.oracle = true;
  row.top_answer = "13 - 9 = 4 (left: 4 4 10) | 10 - 4 = 6 (left: 4 6)";
  ASSERT_TRUE(WriteRowsCsv(dir.File("rows.csv"), {row}).ok());
  const std::string csv = testing_support::ReadFile(dir.File("rows.csv"));
  EXPECT_THAT(csv, HasSubstr("4 9 10 13 -> 24,1,1,"));
  EXPECT_THAT(csv, HasSubstr(",\"13 - 9 = 4 (left: 4 4 10) | 10 - 4 = 6"));
}

}  // namespace
}  // namespace arts::eval
