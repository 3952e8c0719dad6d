// Every strategy against the scripted policy and scorer of the toy `text`
// task (tests/scripted_policy.h): no model, so each search takes
// milliseconds, and the task's rules live only in the "generator", as they
// would behind someone else's service.
#include <string>

#include "core/search/search.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "tests/scripted_policy.h"

namespace arts::search {
namespace {

using ::testing::HasSubstr;
using testing_support::ScriptedPolicy;
using testing_support::ScriptedScorer;

SearchOptions TextOptions(Strategy strategy) {
  SearchOptions options;
  options.task = "text";
  options.strategy = strategy;
  options.n = 16;
  options.beam_width = 4;
  options.proposals = 4;
  options.expand_width = 2;
  options.top_n = 4;
  options.seed = 3;
  return options;
}

TEST(ScriptedSearchTest, EveryStrategySolvesTheToyTaskOneCallPerRound) {
  for (Strategy strategy : kAllStrategies) {
    SCOPED_TRACE(StrategyName(strategy));
    const bool sampler = strategy == Strategy::kBestOfN ||
                         strategy == Strategy::kWeightedVote ||
                         strategy == Strategy::kMajorityVote;
    // Ten seeds: a search can miss the word (when no first-round proposal
    // starts it), but the guided searches must find it nearly always.
    int found = 0;
    for (uint64_t seed = 1; seed <= 10; ++seed) {
      SCOPED_TRACE(seed);
      ScriptedPolicy policy;
      ScriptedScorer scorer;
      SearchOptions options = TextOptions(strategy);
      options.seed = seed;
      int rounds = 0;
      absl::StatusOr<SearchResult> result = RunSearch(
          policy, &scorer, "spell cab", options, [&](const SearchEvent& e) {
            if (e.kind == SearchEvent::Kind::kExpansion) ++rounds;
          });
      ASSERT_TRUE(result.ok()) << result.status();
      ASSERT_FALSE(result->answers.empty());
      const CostReceipt& cost = result->cost;
      EXPECT_EQ(cost.generator_calls, policy.calls());
      // One generator call per round, expanding every parent of the round.
      EXPECT_EQ(cost.generator_calls, rounds);
      if (sampler) {
        EXPECT_EQ(cost.generator_calls, 1);
      } else {
        EXPECT_LE(cost.verifier_calls, rounds);
        EXPECT_GT(cost.expansions, cost.generator_calls);
      }
      if (strategy == Strategy::kMajorityVote) continue;
      EXPECT_EQ(cost.verifier_calls, scorer.calls());
      // The verifier knows the word: whenever the search found it, it
      // ranks first.
      bool has_word = false;
      for (const Answer& answer : result->answers) {
        has_word = has_word || answer.final_value == "CAB";
      }
      if (has_word) EXPECT_EQ(result->answers[0].final_value, "CAB");
      found += has_word ? 1 : 0;
    }
    if (strategy != Strategy::kMajorityVote) EXPECT_GE(found, 8);
  }
}

TEST(ScriptedSearchTest, SameSeedSameSearch) {
  for (Strategy strategy : kAllStrategies) {
    SCOPED_TRACE(StrategyName(strategy));
    ScriptedPolicy policy;
    ScriptedScorer scorer;
    auto a = RunSearch(policy, &scorer, "spell dab", TextOptions(strategy));
    auto b = RunSearch(policy, &scorer, "spell dab", TextOptions(strategy));
    ASSERT_TRUE(a.ok() && b.ok());
    ASSERT_EQ(a->answers.size(), b->answers.size());
    for (size_t i = 0; i < a->answers.size(); ++i) {
      EXPECT_EQ(a->answers[i].steps, b->answers[i].steps);
    }
  }
}

TEST(ScriptedSearchTest, VotesGroupAnswersByTheTasksNormalForm) {
  ScriptedPolicy policy;
  SearchOptions options = TextOptions(Strategy::kMajorityVote);
  options.n = 64;
  absl::StatusOr<SearchResult> result =
      RunSearch(policy, nullptr, "spell ab", options);
  ASSERT_TRUE(result.ok()) << result.status();
  int votes = 0;
  for (const Answer& answer : result->answers) votes += answer.votes;
  EXPECT_GT(votes, 0);
  EXPECT_LE(votes, 64);
}

TEST(ScriptedSearchTest, CompleteTracesWithoutAFinalAnswerDoNotVote) {
  ScriptedPolicy policy;
  ScriptedScorer scorer;
  for (Strategy strategy : {Strategy::kMajorityVote, Strategy::kWeightedVote}) {
    SCOPED_TRACE(StrategyName(strategy));
    absl::StatusOr<SearchResult> result =
        RunSearch(policy, &scorer, "mute cab", TextOptions(strategy));
    ASSERT_TRUE(result.ok()) << result.status();
    EXPECT_TRUE(result->answers.empty());
  }
  // Best-of-N still ranks them: an answer is a trace, its value optional.
  absl::StatusOr<SearchResult> best =
      RunSearch(policy, &scorer, "mute cab", TextOptions(Strategy::kBestOfN));
  ASSERT_TRUE(best.ok()) << best.status();
  ASSERT_FALSE(best->answers.empty());
  EXPECT_TRUE(best->answers[0].terminal);
  EXPECT_EQ(best->answers[0].final_value, "");
}

TEST(ScriptedSearchTest, BadTextInputNamesTheField) {
  ScriptedPolicy policy;
  ScriptedScorer scorer;
  const SearchOptions options = TextOptions(Strategy::kBeam);
  absl::StatusOr<SearchResult> result = RunSearch(policy, &scorer, "", options);
  EXPECT_EQ(result.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(result.status().message(), HasSubstr("problem: must not be"));
  result = RunSearch(policy, &scorer, std::string(20000, 'x'), options);
  EXPECT_EQ(result.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(result.status().message(), HasSubstr("problem: at most"));
  SearchOptions unknown = options;
  unknown.task = "chess";
  result = RunSearch(policy, &scorer, "spell ab", unknown);
  EXPECT_THAT(result.status().message(), HasSubstr("task: unknown task"));
  EXPECT_EQ(policy.calls(), 0);  // refused before any backend call
  // A problem the task accepts but the generator does not: its own error,
  // named as the generator's.
  result = RunSearch(policy, &scorer, "say hello", options);
  EXPECT_EQ(result.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(result.status().message(), HasSubstr("generator: problem:"));
}

TEST(ScriptedSearchTest, ExpansionBudgetIsExactWithWholeRoundsInOneCall) {
  for (Strategy strategy :
       {Strategy::kBeam, Strategy::kArts, Strategy::kDvts}) {
    SCOPED_TRACE(StrategyName(strategy));
    ScriptedPolicy policy;
    ScriptedScorer scorer;
    SearchOptions options = TextOptions(strategy);
    options.stop_after_answers = 64;
    options.max_expansions = 3;
    absl::StatusOr<SearchResult> result =
        RunSearch(policy, &scorer, "spell abcd", options);
    ASSERT_TRUE(result.ok()) << result.status();
    EXPECT_EQ(result->cost.expansions, 3);
    EXPECT_EQ(result->stop_reason, "expansion budget");
  }
}

}  // namespace
}  // namespace arts::search
