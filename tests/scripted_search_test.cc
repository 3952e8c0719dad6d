// Every strategy against the scripted policy and scorer of the toy `text`
// task (tests/scripted_policy.h): no model, so each search takes
// milliseconds, and the task's rules live only in the "generator", as they
// would behind someone else's service.
#include <cmath>
#include <limits>
#include <string>
#include <utility>
#include <vector>

#include "core/search/search.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "tests/scripted_policy.h"

namespace arts::search {
namespace {

using ::testing::HasSubstr;
using ::testing::StartsWith;
using testing_support::ScriptedPolicy;
using testing_support::ScriptedScorer;

using testing_support::ToyOptions;

// Counts the rounds of a search: each reports one expansion event.
EventSink RoundCounter(int& rounds) {
  return [&rounds](const SearchEvent& event) {
    if (event.kind == SearchEvent::Kind::kExpansion) ++rounds;
  };
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
      SearchOptions options = ToyOptions(strategy);
      options.seed = seed;
      // A right letter is 47.5% of proposals: with 8 per node, a step
      // misses it 0.6% of the time.
      options.proposals = 8;
      int rounds = 0;
      absl::StatusOr<SearchResult> result = RunSearch(
          policy, &scorer, "spell cab", options, RoundCounter(rounds));
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
      if (has_word) {
        EXPECT_EQ(result->answers[0].final_value, "CAB");
      }
      found += has_word ? 1 : 0;
    }
    if (strategy != Strategy::kMajorityVote) {
      EXPECT_GE(found, 8);
    }
  }
}

TEST(ScriptedSearchTest, ArtsDrawsMoreChildrenAndBacktracksInsteadOfEnding) {
  // One proposal per node: a first search path that goes wrong used to end
  // the search ("frontier empty"). Now its nodes draw more children, and a
  // parent whose children score poorly yields to a better branch.
  int found = 0;
  for (uint64_t seed = 1; seed <= 10; ++seed) {
    SCOPED_TRACE(seed);
    ScriptedPolicy policy;
    ScriptedScorer scorer;
    SearchOptions options = ToyOptions(Strategy::kArts);
    options.seed = seed;
    options.proposals = 1;
    options.expand_width = 1;
    options.max_expansions = 200;
    absl::StatusOr<SearchResult> result =
        RunSearch(policy, &scorer, "spell cab", options);
    ASSERT_TRUE(result.ok()) << result.status();
    EXPECT_NE(result->stop_reason, "frontier empty");
    if (!result->answers.empty() && result->answers[0].final_value == "CAB") {
      ++found;
      EXPECT_EQ(result->stop_reason, "answers found");
    }
  }
  EXPECT_GE(found, 9);
}

TEST(ScriptedSearchTest, OperatorCeilingsCapWhatASolveMaySpend) {
  SearchOptions asked = ToyOptions(Strategy::kBeam);
  asked.max_tokens = 0;  // no budget
  asked.max_expansions = 500;
  SearchOptions capped = WithCeilings(asked, /*max_tokens=*/40,
                                      /*max_expansions=*/3);
  EXPECT_EQ(*capped.max_tokens, 40);
  EXPECT_EQ(capped.max_expansions, 3);
  // A smaller budget than the ceiling stays; 0 is no ceiling.
  asked.max_tokens = 10;
  asked.max_expansions = 2;
  capped = WithCeilings(asked, 40, 3);
  EXPECT_EQ(*capped.max_tokens, 10);
  EXPECT_EQ(capped.max_expansions, 2);
  capped = WithCeilings(asked, 0, 0);
  EXPECT_EQ(*capped.max_tokens, 10);
  EXPECT_EQ(capped.max_expansions, 2);
  // Capped, a search stops at the ceiling and says so.
  ScriptedPolicy policy;
  ScriptedScorer scorer;
  asked.max_expansions = 0;
  asked.max_tokens = 0;
  absl::StatusOr<SearchResult> result = RunSearch(
      policy, &scorer, "spell abcdabcdabcd", WithCeilings(asked, 0, 3));
  ASSERT_TRUE(result.ok()) << result.status();
  EXPECT_LE(result->cost.expansions, 3);
  EXPECT_EQ(result->stop_reason, "expansion budget");
}

TEST(ScriptedSearchTest, SameSeedSameSearch) {
  for (Strategy strategy : kAllStrategies) {
    SCOPED_TRACE(StrategyName(strategy));
    ScriptedPolicy policy;
    ScriptedScorer scorer;
    auto a = RunSearch(policy, &scorer, "spell dab", ToyOptions(strategy));
    auto b = RunSearch(policy, &scorer, "spell dab", ToyOptions(strategy));
    ASSERT_TRUE(a.ok() && b.ok());
    ASSERT_EQ(a->answers.size(), b->answers.size());
    for (size_t i = 0; i < a->answers.size(); ++i) {
      EXPECT_EQ(a->answers[i].steps, b->answers[i].steps);
    }
  }
}

TEST(ScriptedSearchTest, VotesGroupAnswersByTheTasksNormalForm) {
  ScriptedPolicy policy;
  SearchOptions options = ToyOptions(Strategy::kMajorityVote);
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
        RunSearch(policy, &scorer, "mute cab", ToyOptions(strategy));
    ASSERT_TRUE(result.ok()) << result.status();
    EXPECT_TRUE(result->answers.empty());
  }
  // Best-of-N still ranks them: an answer is a trace, its value optional.
  absl::StatusOr<SearchResult> best =
      RunSearch(policy, &scorer, "mute cab", ToyOptions(Strategy::kBestOfN));
  ASSERT_TRUE(best.ok()) << best.status();
  ASSERT_FALSE(best->answers.empty());
  EXPECT_TRUE(best->answers[0].terminal);
  EXPECT_EQ(best->answers[0].final_value, "");
}

TEST(ScriptedSearchTest, BadTextInputNamesTheField) {
  ScriptedPolicy policy;
  ScriptedScorer scorer;
  const SearchOptions options = ToyOptions(Strategy::kBeam);
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
    SearchOptions options = ToyOptions(strategy);
    options.stop_after_answers = 64;
    options.max_expansions = 3;
    absl::StatusOr<SearchResult> result =
        RunSearch(policy, &scorer, "spell abcd", options);
    ASSERT_TRUE(result.ok()) << result.status();
    EXPECT_EQ(result->cost.expansions, 3);
    EXPECT_EQ(result->stop_reason, "expansion budget");
  }
}

// A verifier that doubts everything: every partial trace F = 0.001, every
// complete one F = 0.01, right or wrong. Its answers beat its open nodes, but
// it is sure of nothing.
class DoubtfulScorer : public backend::Scorer {
 public:
  absl::StatusOr<std::vector<std::vector<double>>> Score(
      const backend::ScoreRequest& request,
      const backend::CallContext&) override {
    std::vector<std::vector<double>> scores;
    for (const backend::TraceRef& trace : request.traces) {
      const size_t length = testing_support::ToyWord(trace.problem).size();
      std::vector<double> flows = {std::log(0.5)};
      for (size_t s = 1; s <= trace.steps.size(); ++s) {
        flows.push_back(std::log(s == length ? 0.01 : 0.001));
      }
      scores.push_back(std::move(flows));
    }
    return scores;
  }
};

TEST(ScriptedSearchTest, ArtsDoesNotStopOnALowValuedAnswer) {
  // The answers' F (0.01) beats every open node's (0.001 and less), which
  // used to end the search at once; below stop_confidence it may not, so
  // the search goes on to its budget.
  constexpr int kBudget = 40;
  SearchOptions options = ToyOptions(Strategy::kArts);
  options.max_expansions = kBudget;
  ASSERT_EQ(options.stop_confidence, 0.5);  // the default
  ScriptedPolicy policy;
  DoubtfulScorer scorer;
  absl::StatusOr<SearchResult> result =
      RunSearch(policy, &scorer, "spell abcd", options);
  ASSERT_TRUE(result.ok()) << result.status();
  ASSERT_FALSE(result->answers.empty());
  EXPECT_NEAR(result->answers[0].score, std::log(0.01), 1e-9);
  EXPECT_EQ(result->stop_reason, "expansion budget");
  EXPECT_EQ(result->cost.expansions, kBudget);
  // Deterministic for the seed, as every search.
  absl::StatusOr<SearchResult> again =
      RunSearch(policy, &scorer, "spell abcd", options);
  ASSERT_TRUE(again.ok()) << again.status();
  ASSERT_EQ(again->answers.size(), result->answers.size());
  for (size_t i = 0; i < result->answers.size(); ++i) {
    EXPECT_EQ(again->answers[i].steps, result->answers[i].steps);
  }
  EXPECT_EQ(again->cost.tokens_generated, result->cost.tokens_generated);

  // Without the threshold (the rule before it), the same search ends on
  // the first such answer with most of its budget left.
  options.stop_confidence = 0;
  result = RunSearch(policy, &scorer, "spell abcd", options);
  ASSERT_TRUE(result.ok()) << result.status();
  EXPECT_EQ(result->stop_reason, "best answer beats every open node");
  EXPECT_LT(result->cost.expansions, kBudget);
  // A threshold the answer meets lets the rule end it again.
  options.stop_confidence = 0.005;
  absl::StatusOr<SearchResult> met =
      RunSearch(policy, &scorer, "spell abcd", options);
  ASSERT_TRUE(met.ok()) << met.status();
  EXPECT_EQ(met->stop_reason, "best answer beats every open node");
  EXPECT_EQ(met->cost.expansions, result->cost.expansions);
}

// A verifier that answers one value that is no log flow: NaN or infinite.
class BrokenScorer : public backend::Scorer {
 public:
  explicit BrokenScorer(double bad) : bad_(bad) {}
  absl::StatusOr<std::vector<std::vector<double>>> Score(
      const backend::ScoreRequest& request,
      const backend::CallContext&) override {
    std::vector<std::vector<double>> scores;
    for (const backend::TraceRef& trace : request.traces) {
      scores.emplace_back(trace.steps.size() + 1, std::log(0.5));
    }
    scores.back().back() = bad_;
    return scores;
  }

 private:
  double bad_;
};

TEST(ScriptedSearchTest, NanOrInfiniteLogFlowsFailTheSearchNamingTheVerifier) {
  // Huge finite values too (found by backend_replies_fuzz): a trace's sums
  // of them would overflow.
  for (double bad : {std::nan(""), std::numeric_limits<double>::infinity(),
                     -std::numeric_limits<double>::infinity(), 1.5e308, -2e6}) {
    for (Strategy strategy : {Strategy::kBestOfN, Strategy::kBeam,
                              Strategy::kArts, Strategy::kDvts}) {
      SCOPED_TRACE(testing::Message() << bad << " " << StrategyName(strategy));
      ScriptedPolicy policy;
      BrokenScorer scorer(bad);
      absl::StatusOr<SearchResult> result =
          RunSearch(policy, &scorer, "spell abcd", ToyOptions(strategy));
      ASSERT_FALSE(result.ok());
      EXPECT_EQ(result.status().code(), absl::StatusCode::kInternal);
      EXPECT_NE(result.status().message().find("verifier: scores["),
                std::string::npos)
          << result.status();
      EXPECT_TRUE(result.status().message().find("not a finite log flow") !=
                      std::string::npos ||
                  result.status().message().find(
                      "outside a log flow's range") != std::string::npos)
          << result.status();
    }
  }
}

TEST(ScriptedSearchTest, StopConfidenceIsAProbability) {
  ScriptedPolicy policy;
  DoubtfulScorer scorer;
  for (double bad : {-0.1, 1.5}) {
    SearchOptions options = ToyOptions(Strategy::kArts);
    options.stop_confidence = bad;
    absl::StatusOr<SearchResult> result =
        RunSearch(policy, &scorer, "spell ab", options);
    EXPECT_EQ(result.status().code(), absl::StatusCode::kInvalidArgument);
    EXPECT_THAT(std::string(result.status().message()),
                StartsWith("stop_confidence: must be 0 to 1"));
  }
}

TEST(ScriptedSearchTest, ArtsDefaultsAreTheTunedSettings) {
  // Two nodes a round, two children each, 256 tokens (docs/RESULTS.md).
  SearchOptions defaults;
  defaults.task = "text";
  defaults.seed = 3;
  ASSERT_EQ(defaults.strategy, Strategy::kArts);
  const SearchOptions resolved = WithStrategyDefaults(defaults);
  EXPECT_EQ(resolved.proposals, 2);
  EXPECT_EQ(resolved.expand_width, 2);
  EXPECT_EQ(resolved.max_tokens, 256);
  SearchOptions tuned = defaults;
  tuned.proposals = 2;
  tuned.expand_width = 2;
  tuned.max_tokens = 256;
  // A verifier sure of nothing keeps the search going to its budget.
  ScriptedPolicy policy;
  DoubtfulScorer scorer;
  absl::StatusOr<SearchResult> a =
      RunSearch(policy, &scorer, "spell abcdabcd", defaults);
  absl::StatusOr<SearchResult> b =
      RunSearch(policy, &scorer, "spell abcdabcd", tuned);
  ASSERT_TRUE(a.ok() && b.ok());
  EXPECT_EQ(a->stop_reason, "token budget");
  // A round is at most 2 nodes x 2 one-step children of 2 tokens.
  EXPECT_GE(a->cost.tokens_generated, 256);
  EXPECT_LE(a->cost.tokens_generated, 256 + 2 * 2 * 2);
  EXPECT_LE(a->cost.expansions, 2 * a->cost.generator_calls);
  EXPECT_EQ(a->cost.tokens_generated, b->cost.tokens_generated);
  EXPECT_EQ(a->cost.expansions, b->cost.expansions);
  ASSERT_EQ(a->answers.size(), b->answers.size());
  for (size_t i = 0; i < a->answers.size(); ++i) {
    EXPECT_EQ(a->answers[i].steps, b->answers[i].steps);
  }
  // The other strategies keep theirs: k = 4 and no token budget.
  for (Strategy strategy :
       {Strategy::kBeam, Strategy::kDvts, Strategy::kBestOfN}) {
    SCOPED_TRACE(StrategyName(strategy));
    SearchOptions other;
    other.strategy = strategy;
    const SearchOptions filled = WithStrategyDefaults(other);
    EXPECT_EQ(filled.proposals, 4);
    EXPECT_EQ(filled.max_tokens, 0);
  }
  // What a caller sets is kept.
  SearchOptions set;
  set.proposals = 7;
  set.max_tokens = 0;
  EXPECT_EQ(WithStrategyDefaults(set).proposals, 7);
  EXPECT_EQ(WithStrategyDefaults(set).max_tokens, 0);
}

// The scripted policy, breaking the Propose contract in one way, as a
// faulty third-party generator might.
class BrokenPolicy : public backend::Policy {
 public:
  enum class Fault {
    kMissing,
    kRepeated,
    kIndexOutOfRange,
    kWrongPrefix,
    kNoStep
  };
  explicit BrokenPolicy(Fault fault) : fault_(fault) {}

  absl::Status Propose(
      const backend::ProposeRequest& request, const backend::CallContext& call,
      const std::function<void(backend::Candidate)>& on_candidate) override {
    std::vector<backend::Candidate> all;
    absl::Status status = policy_.Propose(
        request, call, [&](backend::Candidate c) { all.push_back(c); });
    if (!status.ok()) return status;
    switch (fault_) {
      case Fault::kMissing:
        all.pop_back();
        break;
      case Fault::kRepeated:
        all.back() = all.front();
        break;
      case Fault::kIndexOutOfRange:
        all.back().index = request.num_candidates;
        break;
      case Fault::kWrongPrefix:
        all.back().prefix_index = 7;
        break;
      case Fault::kNoStep:
        for (backend::Candidate& c : all) {
          c.steps.clear();
          c.terminal = false;
        }
        break;
    }
    for (backend::Candidate& c : all) on_candidate(std::move(c));
    return absl::OkStatus();
  }

 private:
  Fault fault_;
  ScriptedPolicy policy_;
};

TEST(ScriptedSearchTest, AGeneratorBreakingTheContractIsNamed) {
  using Fault = BrokenPolicy::Fault;
  const std::pair<Fault, std::string> cases[] = {
      {Fault::kMissing,
       "generator: asked for 4 candidates (1 prefixes x 4), "
       "got 3"},
      {Fault::kRepeated, "generator: candidate 0 of prefix 0 came twice"},
      {Fault::kIndexOutOfRange,
       "generator: a candidate names prefix 0 index 4"},
      {Fault::kWrongPrefix, "generator: a candidate names prefix 7"},
  };
  for (const auto& [fault, message] : cases) {
    SCOPED_TRACE(message);
    BrokenPolicy policy(fault);
    ScriptedScorer scorer;
    absl::StatusOr<SearchResult> result =
        RunSearch(policy, &scorer, "spell cab", ToyOptions(Strategy::kBeam));
    EXPECT_EQ(result.status().code(), absl::StatusCode::kInternal);
    EXPECT_THAT(std::string(result.status().message()), StartsWith(message));
  }
}

TEST(ScriptedSearchTest, CandidatesThatAddNoStepAreDeadEnds) {
  // Otherwise each would be its own parent, expanded forever.
  for (Strategy strategy :
       {Strategy::kBeam, Strategy::kArts, Strategy::kDvts}) {
    SCOPED_TRACE(StrategyName(strategy));
    BrokenPolicy policy(BrokenPolicy::Fault::kNoStep);
    ScriptedScorer scorer;
    absl::StatusOr<SearchResult> result =
        RunSearch(policy, &scorer, "spell cab", ToyOptions(strategy));
    ASSERT_TRUE(result.ok()) << result.status();
    EXPECT_TRUE(result->answers.empty());
    // arts gives a node 8 draws in a row without a new legal child before
    // it retires the node (a real generator repeats itself now and then).
    EXPECT_EQ(result->cost.generator_calls,
              strategy == Strategy::kArts ? 8 : 1);
    EXPECT_EQ(result->cost.verifier_calls, 0);
  }
}

TEST(ScriptedSearchTest, RoundsLargerThanOneCallAreSplit) {
  // 16 beams x 32 proposals = 512 candidates a step: two calls of 256 (the
  // scripted policy refuses a call over the limits, as ours does).
  ScriptedPolicy policy;
  ScriptedScorer scorer;
  SearchOptions options = ToyOptions(Strategy::kBeam);
  options.beam_width = 16;
  options.proposals = 32;
  int rounds = 0;
  absl::StatusOr<SearchResult> result =
      RunSearch(policy, &scorer, "spell abcd", options, RoundCounter(rounds));
  ASSERT_TRUE(result.ok()) << result.status();
  EXPECT_GT(result->cost.generator_calls, rounds);
  EXPECT_LE(result->cost.generator_calls, 2 * rounds);
  // Best-of-256: four copies of the root, 64 candidates each, one call.
  ScriptedPolicy sampler;
  SearchOptions best = ToyOptions(Strategy::kBestOfN);
  best.n = 256;
  result = RunSearch(sampler, &scorer, "spell abcd", best);
  ASSERT_TRUE(result.ok()) << result.status();
  EXPECT_EQ(result->cost.generator_calls, 1);
  EXPECT_EQ(result->cost.expansions, 4);
  // An expansion budget of 1 is exact for it too: one copy of the root.
  best.max_expansions = 1;
  result = RunSearch(sampler, &scorer, "spell abcd", best);
  ASSERT_TRUE(result.ok()) << result.status();
  EXPECT_EQ(result->cost.expansions, 1);
  EXPECT_EQ(result->stop_reason, "expansion budget");
}

}  // namespace
}  // namespace arts::search
