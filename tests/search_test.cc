// The search strategies on the real domain: the bundled generator proposes,
// a tiny random verifier scores (search mechanics do not depend on its
// quality), and the checker judges every answer. Small budgets and fixed
// seeds keep each search to a fraction of a second.

#include "core/search/search.h"

#include <cmath>
#include <memory>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/time/clock.h"
#include "backends/local/local_policy.h"
#include "backends/local/local_scorer.h"
#include "core/countdown/checker.h"
#include "core/countdown/problem.h"
#include "core/model/generator.h"
#include "core/verifier/flow_verifier.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "tests/test_support.h"
#include "tests/tiny_models.h"

namespace arts::search {
namespace {

using ::testing::HasSubstr;
using ::testing::StartsWith;

constexpr char kProblem[] = "4 9 10 13 -> 24";

// A verifier that is down: every call fails as an unreachable service would.
class UnavailableScorer : public backend::Scorer {
 public:
  absl::StatusOr<std::vector<std::vector<double>>> Score(
      const backend::ScoreRequest&, const backend::CallContext&) override {
    return absl::UnavailableError("connection refused");
  }
};

class SearchTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    auto generator = model::Generator::Load(ARTS_MODELS_DIR "/generator.ckpt");
    ASSERT_TRUE(generator.ok()) << generator.status();
    generator_ = generator->release();
    model::TransformerConfig config = testing_support::TinyTransformerConfig();
    config.output_size = 1;
    verifier_ = new verifier::FlowVerifier(
        testing_support::MakeTinyTransformer(7, config), {});
  }
  static void TearDownTestSuite() {
    delete generator_;
    delete verifier_;
  }

  static SearchOptions Options(Strategy strategy, uint64_t seed = 1) {
    SearchOptions options;
    options.strategy = strategy;
    options.n = 8;
    options.beam_width = 2;
    options.proposals = 4;
    options.top_n = 4;
    options.seed = seed;
    options.constrained = true;
    return options;
  }

  absl::StatusOr<SearchResult> Run(const SearchOptions& options,
                                   const EventSink& events = nullptr) {
    backends::LocalPolicy policy(*generator_);
    backends::LocalScorer scorer(*verifier_);
    return RunSearch(policy, &scorer, kProblem, options, events);
  }

  static inline model::Generator* generator_ = nullptr;
  static inline verifier::FlowVerifier* verifier_ = nullptr;
};

TEST_F(SearchTest, EveryStrategyReturnsCheckedAnswersAndAReceipt) {
  const countdown::Problem problem = *countdown::ParseProblem(kProblem);
  for (Strategy strategy : kAllStrategies) {
    SCOPED_TRACE(StrategyName(strategy));
    absl::StatusOr<SearchResult> result = Run(Options(strategy));
    ASSERT_TRUE(result.ok()) << result.status();
    EXPECT_TRUE(result->verified);
    EXPECT_EQ(result->stop_reason.empty(), false);
    ASSERT_FALSE(result->answers.empty());
    EXPECT_LE(result->answers.size(), 4u);
    for (size_t i = 0; i < result->answers.size(); ++i) {
      const Answer& answer = result->answers[i];
      const countdown::TraceVerdict verdict =
          countdown::CheckTrace(problem, answer.steps);
      EXPECT_TRUE(verdict.valid && verdict.terminal);
      EXPECT_EQ(answer.final_value, countdown::JoinNumbers(verdict.state.left));
      if (i > 0) {
        EXPECT_LE(answer.score, result->answers[i - 1].score);
      }
      if (strategy != Strategy::kMajorityVote) {
        // Every prefix was scored: the problem alone and each step.
        EXPECT_EQ(answer.step_log_flows.size(), answer.steps.size() + 1);
      }
    }
    const CostReceipt& cost = result->cost;
    EXPECT_GT(cost.tokens_generated, 0);
    EXPECT_GE(cost.generator_calls, 1);
    EXPECT_LE(cost.generator_calls, cost.expansions);
    EXPECT_GT(cost.wall_seconds, 0);
    if (strategy == Strategy::kMajorityVote) {
      EXPECT_EQ(cost.verifier_calls, 0);
    } else {
      EXPECT_GE(cost.verifier_calls, 1);
      EXPECT_GE(cost.traces_scored, cost.verifier_calls);
    }
  }
}

TEST_F(SearchTest, SameSeedSameSearchOtherSeedOtherSearch) {
  for (Strategy strategy : kAllStrategies) {
    SCOPED_TRACE(StrategyName(strategy));
    absl::StatusOr<SearchResult> a = Run(Options(strategy, 3));
    absl::StatusOr<SearchResult> b = Run(Options(strategy, 3));
    absl::StatusOr<SearchResult> c = Run(Options(strategy, 4));
    ASSERT_TRUE(a.ok() && b.ok() && c.ok());
    ASSERT_EQ(a->answers.size(), b->answers.size());
    for (size_t i = 0; i < a->answers.size(); ++i) {
      EXPECT_EQ(a->answers[i].steps, b->answers[i].steps);
      EXPECT_EQ(a->answers[i].score, b->answers[i].score);
    }
    EXPECT_EQ(a->cost.tokens_generated, b->cost.tokens_generated);
    // Another seed draws other candidates. Token counts alone can tie (a
    // Countdown step's head has a nearly fixed length), so compare the
    // answers too.
    bool other = a->cost.tokens_generated != c->cost.tokens_generated ||
                 a->answers.size() != c->answers.size();
    for (size_t i = 0; !other && i < a->answers.size(); ++i) {
      other = a->answers[i].steps != c->answers[i].steps;
    }
    EXPECT_TRUE(other);
  }
}

TEST_F(SearchTest, TokenBudgetEndsTheSearchAfterAtMostOneMoreRound) {
  for (Strategy strategy : kAllStrategies) {
    SCOPED_TRACE(StrategyName(strategy));
    SearchOptions options = Options(strategy);
    options.n = 128;  // one generator call of 2 x 64 whole traces for BoN
    options.beam_width = 8;
    options.max_tokens = 40;
    absl::StatusOr<SearchResult> result = Run(options);
    ASSERT_TRUE(result.ok()) << result.status();
    EXPECT_GE(result->cost.tokens_generated, 40);
    // The budget is checked before each round (one generator call), so it
    // is overshot by at most one round: at most 8 beams or 2 parents of
    // k = 4 heads for beam and arts, n / k = 32 subtrees of k = 4 heads for
    // dvts. The samplers draw all n in their one round, so the budget never
    // cuts them short: they are done after it.
    int64_t one_round = 8 * 4 * model::kMaxHeadChars;
    std::string stop_reason = "token budget";
    if (strategy == Strategy::kDvts) one_round = 128 * model::kMaxHeadChars;
    if (strategy == Strategy::kBestOfN || strategy == Strategy::kWeightedVote ||
        strategy == Strategy::kMajorityVote) {
      one_round = 128 * 3 * model::kMaxHeadChars;
      stop_reason = "done";
      EXPECT_EQ(result->cost.generator_calls, 1);
    }
    EXPECT_EQ(result->stop_reason, stop_reason);
    EXPECT_LT(result->cost.tokens_generated, 40 + one_round);
  }
}

TEST_F(SearchTest, ExpansionBudgetIsExact) {
  for (Strategy strategy :
       {Strategy::kBeam, Strategy::kArts, Strategy::kDvts}) {
    SCOPED_TRACE(StrategyName(strategy));
    SearchOptions options = Options(strategy);
    options.n = 16;
    options.beam_width = 4;
    options.expand_width = 1;
    options.stop_after_answers = 64;
    options.max_expansions = 3;
    absl::StatusOr<SearchResult> result = Run(options);
    ASSERT_TRUE(result.ok()) << result.status();
    EXPECT_EQ(result->cost.expansions, 3);
    EXPECT_EQ(result->stop_reason, "expansion budget");
  }
}

TEST_F(SearchTest, DeadlineGivesDeadlineExceeded) {
  for (Strategy strategy : kAllStrategies) {
    SCOPED_TRACE(StrategyName(strategy));
    SearchOptions options = Options(strategy);
    options.deadline = absl::Now();
    absl::StatusOr<SearchResult> result = Run(options);
    EXPECT_EQ(result.status().code(), absl::StatusCode::kDeadlineExceeded);
  }
  // A deadline that passes in the middle of a long search.
  SearchOptions options = Options(Strategy::kBestOfN);
  options.n = 256;
  options.constrained = false;
  options.deadline = absl::Now() + absl::Milliseconds(30);
  const absl::Time start = absl::Now();
  absl::StatusOr<SearchResult> result = Run(options);
  EXPECT_EQ(result.status().code(), absl::StatusCode::kDeadlineExceeded);
  // It ends at the first model pass after the deadline.
  EXPECT_LT(absl::Now() - start,
            absl::Seconds(2) * testing_support::kSanitizerSlowdown);
}

TEST_F(SearchTest, CancellationStopsTheSearch) {
  SearchOptions options = Options(Strategy::kArts);
  options.cancelled = [] { return true; };
  EXPECT_EQ(Run(options).status().code(), absl::StatusCode::kCancelled);
}

TEST_F(SearchTest, BadOptionsNameTheField) {
  struct Case {
    std::function<void(SearchOptions&)> change;
    std::string field;
  };
  const std::vector<Case> cases = {
      {[](SearchOptions& o) { o.n = 0; }, "n:"},
      {[](SearchOptions& o) { o.n = kMaxSamples + 1; }, "n:"},
      {[](SearchOptions& o) { o.beam_width = 0; }, "beam_width:"},
      {[](SearchOptions& o) { o.proposals = 65; }, "proposals:"},
      {[](SearchOptions& o) { o.expand_width = 0; }, "expand_width:"},
      {[](SearchOptions& o) { o.tilt_pool = 0; }, "tilt_pool:"},
      {[](SearchOptions& o) {
         o.flow_tilted = true;
         o.tilt_pool = 2;
       },
       "tilt_pool:"},
      {[](SearchOptions& o) { o.top_n = 0; }, "top_n:"},
      {[](SearchOptions& o) { o.stop_after_answers = 0; },
       "stop_after_answers:"},
      {[](SearchOptions& o) { o.max_tokens = -1; }, "max_tokens:"},
      {[](SearchOptions& o) { o.max_expansions = -1; }, "max_expansions:"},
      {[](SearchOptions& o) { o.temperature = -1; }, "temperature:"},
      {[](SearchOptions& o) { o.top_p = 0; }, "top_p:"},
      {[](SearchOptions& o) {
         o.strategy = Strategy::kDvts;
         o.n = 2;
       },
       "n:"},
  };
  for (const Case& c : cases) {
    SearchOptions options = Options(Strategy::kArts);
    c.change(options);
    absl::StatusOr<SearchResult> result = Run(options);
    EXPECT_EQ(result.status().code(), absl::StatusCode::kInvalidArgument);
    EXPECT_THAT(std::string(result.status().message()), StartsWith(c.field));
  }
  backends::LocalPolicy policy(*generator_);
  absl::StatusOr<SearchResult> bad_problem =
      RunSearch(policy, nullptr, "4 9 -> ", Options(Strategy::kMajorityVote));
  EXPECT_EQ(bad_problem.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(std::string(bad_problem.status().message()),
              StartsWith("problem:"));
  EXPECT_THAT(std::string(ParseStrategy("greedy").status().message()),
              StartsWith("strategy:"));
  EXPECT_THAT(std::string(ParseAggregation("max").status().message()),
              StartsWith("aggregation:"));
}

TEST_F(SearchTest, VerifierDownIsUnavailableOrAnUnverifiedBestOfN) {
  backends::LocalPolicy policy(*generator_);
  UnavailableScorer down;
  absl::StatusOr<SearchResult> failed =
      RunSearch(policy, &down, kProblem, Options(Strategy::kArts));
  EXPECT_EQ(failed.status().code(), absl::StatusCode::kUnavailable);
  EXPECT_THAT(std::string(failed.status().message()), StartsWith("verifier:"));

  SearchOptions options = Options(Strategy::kArts);
  options.allow_unverified = true;
  absl::StatusOr<SearchResult> fallback =
      RunSearch(policy, &down, kProblem, options);
  ASSERT_TRUE(fallback.ok()) << fallback.status();
  EXPECT_FALSE(fallback->verified);
  ASSERT_FALSE(fallback->answers.empty());
  for (size_t i = 0; i < fallback->answers.size(); ++i) {
    const Answer& answer = fallback->answers[i];
    EXPECT_TRUE(answer.step_log_flows.empty());
    EXPECT_EQ(answer.score, answer.logprob);  // ranked by log pi
    if (i > 0) {
      EXPECT_LE(answer.score, fallback->answers[i - 1].score);
    }
  }
  // The failed verifier call is on the receipt with the fallback's samples.
  EXPECT_EQ(fallback->cost.verifier_calls, 1);
}

TEST_F(SearchTest, MajorityVoteCountsAndWeightedVoteSumsFlows) {
  for (bool weighted : {false, true}) {
    SearchOptions options =
        Options(weighted ? Strategy::kWeightedVote : Strategy::kMajorityVote);
    options.n = 16;
    options.top_n = 64;
    absl::StatusOr<SearchResult> result = Run(options);
    ASSERT_TRUE(result.ok()) << result.status();
    int votes = 0;
    for (size_t i = 0; i < result->answers.size(); ++i) {
      const Answer& answer = result->answers[i];
      votes += answer.votes;
      EXPECT_GE(answer.votes, 1);
      if (i > 0) {
        EXPECT_NE(answer.final_value, result->answers[0].final_value);
        EXPECT_LE(answer.vote_weight, result->answers[i - 1].vote_weight);
      }
      if (!weighted) {
        EXPECT_DOUBLE_EQ(answer.vote_weight, answer.votes);
        EXPECT_NEAR(answer.score, std::log(answer.votes / 16.0), 1e-12);
      }
    }
    EXPECT_LE(votes, 16);
    EXPECT_GT(votes, 0);
  }
}

TEST_F(SearchTest, FlowTiltedArtsKeepsKOfItsPool) {
  SearchOptions options = Options(Strategy::kArts);
  options.flow_tilted = true;
  options.tilt_pool = 8;
  options.proposals = 2;
  options.expand_width = 1;
  options.max_expansions = 1;
  absl::StatusOr<SearchResult> result = Run(options);
  ASSERT_TRUE(result.ok()) << result.status();
  // One expansion drew 8 candidates, all scored, of which 2 were kept.
  EXPECT_EQ(result->cost.expansions, 1);
  EXPECT_GE(result->cost.traces_scored, 2);
  EXPECT_LE(result->cost.traces_scored, 8);
}

TEST_F(SearchTest, StreamsExpansionsAndImprovingBestSoFar) {
  std::vector<SearchEvent> events;
  absl::StatusOr<SearchResult> result =
      Run(Options(Strategy::kBeam),
          [&](const SearchEvent& event) { events.push_back(event); });
  ASSERT_TRUE(result.ok()) << result.status();
  int expansions = 0;
  double best = -INFINITY;
  for (const SearchEvent& event : events) {
    if (event.kind == SearchEvent::Kind::kExpansion) {
      ++expansions;
    } else {
      EXPECT_GT(event.best.score, best);
      best = event.best.score;
    }
  }
  EXPECT_GE(expansions, 2);  // one per depth
  ASSERT_FALSE(result->answers.empty());
  EXPECT_EQ(best, result->answers[0].score);
}

}  // namespace
}  // namespace arts::search
