// The asynchronous driver (core/search/search_pool.h) against the scripted
// toy task: the same answers as the synchronous driver, many searches on two
// threads while their calls wait, admission, cancellation, deadlines and
// backend failures.
#include "core/search/search_pool.h"

#include <atomic>
#include <condition_variable>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include "core/backend/overload.h"
#include "core/search/search.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "tests/delayed_backends.h"
#include "tests/scripted_policy.h"

namespace arts::search {
namespace {

using ::testing::HasSubstr;
using testing_support::DelayedPolicy;
using testing_support::DelayedScorer;
using testing_support::OutstandingCalls;
using testing_support::ScriptedPolicy;
using testing_support::ScriptedScorer;
using testing_support::Timer;
using testing_support::ToyOptions;

// Waits for the `done` of many searches.
class Results {
 public:
  explicit Results(int count) : results_(count) {}

  std::function<void(absl::StatusOr<SearchResult>)> Slot(int i) {
    return [this, i](absl::StatusOr<SearchResult> result) {
      std::lock_guard<std::mutex> lock(mu_);
      results_[i] = std::move(result);
      ++done_;
      changed_.notify_all();
    };
  }
  // Every result, once `expected` searches are done.
  const std::vector<absl::StatusOr<SearchResult>>& Wait(int expected) {
    std::unique_lock<std::mutex> lock(mu_);
    changed_.wait(lock, [&] { return done_ >= expected; });
    return results_;
  }
  int done() {
    std::lock_guard<std::mutex> lock(mu_);
    return done_;
  }

 private:
  std::mutex mu_;
  std::condition_variable changed_;
  std::vector<absl::StatusOr<SearchResult>> results_;
  int done_ = 0;
};

SearchPool::Search MakeSearch(
    const std::string& problem, const SearchOptions& options,
    backend::Policy& policy, backend::Scorer* scorer,
    std::function<void(absl::StatusOr<SearchResult>)> done) {
  absl::StatusOr<std::unique_ptr<SearchRun>> run =
      SearchRun::Create(problem, options, scorer != nullptr);
  EXPECT_TRUE(run.ok()) << run.status();
  SearchPool::Search search;
  search.run = *std::move(run);
  search.policy = &policy;
  search.scorer = scorer;
  search.done = std::move(done);
  return search;
}

void ExpectSameResult(const SearchResult& a, const SearchResult& b) {
  ASSERT_EQ(a.answers.size(), b.answers.size());
  for (size_t i = 0; i < a.answers.size(); ++i) {
    EXPECT_EQ(a.answers[i].steps, b.answers[i].steps);
    EXPECT_EQ(a.answers[i].score, b.answers[i].score);
    EXPECT_EQ(a.answers[i].votes, b.answers[i].votes);
  }
  EXPECT_EQ(a.stop_reason, b.stop_reason);
  EXPECT_EQ(a.verified, b.verified);
  EXPECT_EQ(a.cost.tokens_generated, b.cost.tokens_generated);
  EXPECT_EQ(a.cost.generator_calls, b.cost.generator_calls);
  EXPECT_EQ(a.cost.verifier_calls, b.cost.verifier_calls);
  EXPECT_EQ(a.cost.traces_scored, b.cost.traces_scored);
  EXPECT_EQ(a.cost.expansions, b.cost.expansions);
}

// The toy task's scripted policy and scorer behind a latency, answered from
// one timer thread; `calls` counts the calls out at once.
struct SlowToyBackends {
  explicit SlowToyBackends(absl::Duration latency)
      : slow_policy(policy, latency, timer, calls),
        slow_scorer(scorer, latency, timer, calls) {}

  ScriptedPolicy policy;
  ScriptedScorer scorer;
  Timer timer;
  OutstandingCalls calls;
  DelayedPolicy slow_policy;
  DelayedScorer slow_scorer;
};

TEST(SearchPoolTest, SameAnswersAsTheSynchronousDriver) {
  SlowToyBackends backends(absl::Milliseconds(2));
  SearchPool pool(SearchPoolOptions{});
  std::vector<SearchOptions> cases;
  for (Strategy strategy : kAllStrategies) {
    for (uint64_t seed = 1; seed <= 6; ++seed) {
      SearchOptions options = ToyOptions(strategy);
      options.seed = seed;
      // Rounds past one call's limits, split into calls made at once.
      if (seed == 6) options.n = 200;
      if (seed == 5) options.expand_width = 40, options.proposals = 8;
      cases.push_back(options);
    }
  }
  Results results(static_cast<int>(cases.size()));
  for (size_t i = 0; i < cases.size(); ++i) {
    ASSERT_TRUE(
        pool.Submit(MakeSearch("spell abcab", cases[i], backends.slow_policy,
                               &backends.slow_scorer, results.Slot(i)))
            .ok());
  }
  const auto& got = results.Wait(static_cast<int>(cases.size()));
  for (size_t i = 0; i < cases.size(); ++i) {
    SCOPED_TRACE(StrategyName(cases[i].strategy) + " seed " +
                 std::to_string(cases[i].seed));
    absl::StatusOr<SearchResult> want =
        RunSearch(backends.policy, &backends.scorer, "spell abcab", cases[i]);
    ASSERT_TRUE(want.ok()) << want.status();
    ASSERT_TRUE(got[i].ok()) << got[i].status();
    ExpectSameResult(*got[i], *want);
  }
}

TEST(SearchPoolTest, WaitingSearchesHoldNoThread) {
  SlowToyBackends backends(absl::Milliseconds(50));
  SearchPoolOptions options;
  options.threads = 2;
  SearchPool pool(options);
  constexpr int kSearches = 400;
  Results results(kSearches);
  for (int i = 0; i < kSearches; ++i) {
    SearchOptions search = ToyOptions(Strategy::kBeam);
    search.seed = i;
    ASSERT_TRUE(
        pool.Submit(MakeSearch("spell abc", search, backends.slow_policy,
                               &backends.slow_scorer, results.Slot(i)))
            .ok());
  }
  for (const auto& result : results.Wait(kSearches)) {
    ASSERT_TRUE(result.ok()) << result.status();
    EXPECT_FALSE(result->answers.empty());
  }
  // Two threads, and still (nearly) every search had a call out at once.
  EXPECT_GT(backends.calls.peak(), kSearches / 2);
  EXPECT_EQ(pool.running(), 0);
}

TEST(SearchPoolTest, AdmissionQueuesThenRefusesWithARetryDelay) {
  SlowToyBackends backends(absl::Milliseconds(100));
  SearchPoolOptions options;
  options.max_running = 1;
  options.queue = {1, absl::Seconds(30)};
  SearchPool pool(options);
  Results results(3);
  const SearchOptions search = ToyOptions(Strategy::kBeam);
  ASSERT_TRUE(pool.Submit(MakeSearch("spell ab", search, backends.slow_policy,
                                     &backends.slow_scorer, results.Slot(0)))
                  .ok());
  ASSERT_TRUE(pool.Submit(MakeSearch("spell ab", search, backends.slow_policy,
                                     &backends.slow_scorer, results.Slot(1)))
                  .ok());
  const absl::Status refused =
      pool.Submit(MakeSearch("spell ab", search, backends.slow_policy,
                             &backends.slow_scorer, results.Slot(2)));
  EXPECT_TRUE(absl::IsResourceExhausted(refused)) << refused;
  EXPECT_TRUE(backend::RetryAfter(refused).has_value());
  // The queued one runs once the first ends; the refused one never calls
  // back.
  for (int i = 0; i < 2; ++i) EXPECT_TRUE(results.Wait(2)[i].ok());
  EXPECT_EQ(results.done(), 2);
}

TEST(SearchPoolTest, AWaitingSearchPastTheWaitLimitIsRefused) {
  SlowToyBackends backends(absl::Milliseconds(300));
  SearchPoolOptions options;
  options.max_running = 1;
  options.queue = {4, absl::Milliseconds(50)};
  SearchPool pool(options);
  Results results(2);
  const SearchOptions search = ToyOptions(Strategy::kBeam);
  for (int i = 0; i < 2; ++i) {
    ASSERT_TRUE(pool.Submit(MakeSearch("spell ab", search, backends.slow_policy,
                                       &backends.slow_scorer, results.Slot(i)))
                    .ok());
  }
  const auto& got = results.Wait(2);
  EXPECT_TRUE(got[0].ok());
  EXPECT_TRUE(absl::IsResourceExhausted(got[1].status())) << got[1].status();
  EXPECT_THAT(got[1].status().message(), HasSubstr("queued longer"));
}

TEST(SearchPoolTest, CancellationAndDeadlinesEndSearchesWaitingOnBackends) {
  SlowToyBackends backends(absl::Milliseconds(40));
  SearchPoolOptions pool_options;
  pool_options.max_running = 1;
  SearchPool pool(pool_options);
  Results results(3);
  std::atomic<bool> cancelled{false};
  // A long search, cancelled while its calls are out.
  SearchOptions cancel = ToyOptions(Strategy::kArts);
  cancel.cancelled = [&cancelled] { return cancelled.load(); };
  ASSERT_TRUE(pool.Submit(MakeSearch("spell abcdabcdabcdabcd", cancel,
                                     backends.slow_policy,
                                     &backends.slow_scorer, results.Slot(0)))
                  .ok());
  // Waiting behind it: one whose deadline passes while it waits, and one
  // cancelled while it waits. Neither makes a backend call.
  SearchOptions expire = ToyOptions(Strategy::kBeam);
  expire.deadline = absl::Now() + absl::Milliseconds(60);
  ASSERT_TRUE(pool.Submit(MakeSearch("spell ab", expire, backends.slow_policy,
                                     &backends.slow_scorer, results.Slot(1)))
                  .ok());
  SearchOptions gone = ToyOptions(Strategy::kBeam);
  gone.cancelled = [&cancelled] { return cancelled.load(); };
  ASSERT_TRUE(pool.Submit(MakeSearch("spell ab", gone, backends.slow_policy,
                                     &backends.slow_scorer, results.Slot(2)))
                  .ok());
  absl::SleepFor(absl::Milliseconds(150));
  cancelled = true;
  const auto& got = results.Wait(3);
  EXPECT_TRUE(absl::IsCancelled(got[0].status())) << got[0].status();
  EXPECT_TRUE(absl::IsDeadlineExceeded(got[1].status())) << got[1].status();
  EXPECT_TRUE(absl::IsCancelled(got[2].status())) << got[2].status();
}

// A scorer whose service is down.
class DownScorer : public backend::Scorer {
 public:
  absl::StatusOr<std::vector<std::vector<double>>> Score(
      const backend::ScoreRequest&, const backend::CallContext&) override {
    return absl::UnavailableError("connection refused");
  }
};

TEST(SearchPoolTest, BackendFailuresAreNamedAndTheFallbackHolds) {
  ScriptedPolicy policy;
  DownScorer down;
  Timer timer;
  OutstandingCalls calls;
  DelayedPolicy slow_policy(policy, absl::Milliseconds(5), timer, calls);
  DelayedScorer slow_down(down, absl::Milliseconds(5), timer, calls);
  SearchPool pool(SearchPoolOptions{});
  Results results(2);
  SearchOptions strict = ToyOptions(Strategy::kArts);
  SearchOptions lenient = strict;
  lenient.allow_unverified = true;
  ASSERT_TRUE(pool.Submit(MakeSearch("spell ab", strict, slow_policy,
                                     &slow_down, results.Slot(0)))
                  .ok());
  ASSERT_TRUE(pool.Submit(MakeSearch("spell ab", lenient, slow_policy,
                                     &slow_down, results.Slot(1)))
                  .ok());
  const auto& got = results.Wait(2);
  EXPECT_TRUE(absl::IsUnavailable(got[0].status()));
  EXPECT_THAT(got[0].status().message(), HasSubstr("verifier: "));
  ASSERT_TRUE(got[1].ok()) << got[1].status();
  EXPECT_FALSE(got[1]->verified);
  // The same as the synchronous driver's fallback.
  absl::StatusOr<SearchResult> want =
      RunSearch(policy, &down, "spell ab", lenient);
  ASSERT_TRUE(want.ok());
  ExpectSameResult(*got[1], *want);
}

TEST(SearchPoolTest, ShuttingDownFailsWaitingSearches) {
  SlowToyBackends backends(absl::Milliseconds(30));
  Results results(3);
  {
    SearchPoolOptions options;
    options.max_running = 1;
    SearchPool pool(options);
    for (int i = 0; i < 3; ++i) {
      ASSERT_TRUE(
          pool.Submit(MakeSearch("spell ab", ToyOptions(Strategy::kBeam),
                                 backends.slow_policy, &backends.slow_scorer,
                                 results.Slot(i)))
              .ok());
    }
  }
  const auto& got = results.Wait(3);
  EXPECT_TRUE(got[0].ok()) << got[0].status();
  for (int i = 1; i < 3; ++i) {
    EXPECT_TRUE(absl::IsUnavailable(got[i].status())) << got[i].status();
  }
}

}  // namespace
}  // namespace arts::search
