// Tests of continuous batching: calls served together by one
// GenerationScheduler sample what each samples alone, and the queue refuses,
// expires and cancels calls as documented. A tiny random generator.

#include "core/serving/generation_scheduler.h"

#include <algorithm>
#include <condition_variable>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "core/backend/overload.h"
#include "core/model/generator.h"
#include "gtest/gtest.h"
#include "tests/tiny_models.h"

namespace arts::serving {
namespace {

using backend::Candidate;
using backend::ProposeRequest;

ProposeRequest Request(const std::string& problem, uint64_t seed,
                       int num_candidates,
                       std::vector<std::vector<std::string>> prefixes = {}) {
  ProposeRequest request;
  request.problem = problem;
  request.prefixes = std::move(prefixes);
  request.num_candidates = num_candidates;
  request.max_steps = 0;
  request.sampling.seed = seed;
  request.sampling.constrained = true;
  return request;
}

// The outcome of one call, filled from the scheduler's thread.
struct Outcome {
  std::mutex mu;
  std::condition_variable cv;
  std::vector<Candidate> candidates;
  absl::Status status;
  model::ProposeStats stats;
  bool done = false;

  GenerationScheduler::Callbacks Callbacks() {
    GenerationScheduler::Callbacks callbacks;
    callbacks.on_candidate = [this](Candidate c) {
      std::lock_guard<std::mutex> lock(mu);
      candidates.push_back(std::move(c));
    };
    callbacks.on_done = [this](absl::Status s, const model::ProposeStats& st) {
      std::lock_guard<std::mutex> lock(mu);
      status = std::move(s);
      stats = st;
      done = true;
      cv.notify_all();
    };
    return callbacks;
  }
  void Wait() {
    std::unique_lock<std::mutex> lock(mu);
    ASSERT_TRUE(cv.wait_for(lock, std::chrono::seconds(60), [&] {
      return done;
    })) << "the call never finished";
  }
};

void SortByPrefixAndIndex(std::vector<Candidate>& candidates) {
  std::sort(candidates.begin(), candidates.end(),
            [](const Candidate& a, const Candidate& b) {
              return std::pair(a.prefix_index, a.index) <
                     std::pair(b.prefix_index, b.index);
            });
}

// Holds the scheduler's thread inside a callback until released, so a test
// can fill the queue deterministically.
class Gate {
 public:
  void Block() {
    std::unique_lock<std::mutex> lock(mu_);
    entered_ = true;
    cv_.notify_all();
    cv_.wait(lock, [&] { return open_; });
  }
  void WaitEntered() {
    std::unique_lock<std::mutex> lock(mu_);
    cv_.wait(lock, [&] { return entered_; });
  }
  void Open() {
    std::lock_guard<std::mutex> lock(mu_);
    open_ = true;
    cv_.notify_all();
  }

 private:
  std::mutex mu_;
  std::condition_variable cv_;
  bool entered_ = false, open_ = false;
};

// Submits a call of 64 rows (4 prefixes x 16), which fills a batch of
// max_rows 64, and returns once the scheduler's thread is held inside its
// first candidate's callback, until `gate` opens: calls submitted meanwhile
// wait in the queue.
void FillTheBatchAndHold(GenerationScheduler& scheduler, Outcome& running,
                         Gate& gate) {
  GenerationScheduler::Callbacks blocking = running.Callbacks();
  auto record = blocking.on_candidate;
  blocking.on_candidate = [&gate, record](Candidate c) {
    record(std::move(c));
    gate.Block();
  };
  ASSERT_TRUE(
      scheduler
          .Submit(Request("4 9 10 13 -> 24", 1, 16, {{}, {}, {}, {}}), blocking)
          .ok());
  gate.WaitEntered();
}

class GenerationSchedulerTest : public ::testing::Test {
 protected:
  model::Generator generator_{testing_support::MakeTinyTransformer(11), {}};
};

TEST_F(GenerationSchedulerTest, CallsSharingTheBatchSampleWhatTheySampleAlone) {
  // Per-request determinism: each row has its own random stream, so only
  // floating point could differ between a batch of one call and of many.
  const std::vector<ProposeRequest> requests = {
      Request("4 9 10 13 -> 24", 1, 8),
      Request("1 2 3 4 -> 24", 2, 5, {{}, {"1 + 2 = 3 (left: 3 3 4)"}}),
      Request("6 6 -> 12", 3, 16),
      Request("2 3 5 7 -> 24", 4, 3, {{"2 * 3 = 6 (left: 5 6 7)"}}),
  };
  GenerationScheduler scheduler(generator_, {});
  std::vector<Outcome> together(requests.size());
  for (size_t i = 0; i < requests.size(); ++i) {
    ASSERT_TRUE(scheduler.Submit(requests[i], together[i].Callbacks()).ok());
  }
  for (size_t i = 0; i < requests.size(); ++i) {
    together[i].Wait();
    ASSERT_TRUE(together[i].status.ok()) << together[i].status;
    std::vector<Candidate> alone;
    ASSERT_TRUE(
        generator_
            .Propose(requests[i],
                     [&](Candidate c) { alone.push_back(std::move(c)); })
            .ok());
    SortByPrefixAndIndex(alone);
    SortByPrefixAndIndex(together[i].candidates);
    ASSERT_EQ(alone.size(), together[i].candidates.size()) << "call " << i;
    for (size_t c = 0; c < alone.size(); ++c) {
      const Candidate& a = alone[c];
      const Candidate& b = together[i].candidates[c];
      EXPECT_EQ(a.steps, b.steps) << "call " << i << " candidate " << c;
      EXPECT_NEAR(a.logprob, b.logprob, 1e-4)
          << "call " << i << " candidate " << c;
      EXPECT_EQ(a.valid, b.valid);
      EXPECT_EQ(a.terminal, b.terminal);
    }
  }
}

TEST_F(GenerationSchedulerTest, FullQueueRefusesWithRetryDelay) {
  GenerationOptions options;
  options.max_rows = 64;
  options.queue.max_queue = 1;
  GenerationScheduler scheduler(generator_, options);
  Gate gate;
  Outcome running, queued;
  ASSERT_NO_FATAL_FAILURE(FillTheBatchAndHold(scheduler, running, gate));
  ASSERT_TRUE(
      scheduler.Submit(Request("6 6 -> 12", 2, 4), queued.Callbacks()).ok());
  Outcome refused;
  const absl::Status status =
      scheduler.Submit(Request("6 6 -> 12", 3, 4), refused.Callbacks());
  EXPECT_EQ(status.code(), absl::StatusCode::kResourceExhausted) << status;
  ASSERT_TRUE(backend::RetryAfter(status).has_value());
  EXPECT_GE(*backend::RetryAfter(status), absl::Milliseconds(10));
  gate.Open();
  running.Wait();
  queued.Wait();
  EXPECT_TRUE(running.status.ok()) << running.status;
  EXPECT_TRUE(queued.status.ok()) << queued.status;
  EXPECT_EQ(queued.candidates.size(), 4u);
  EXPECT_FALSE(refused.done);
}

TEST_F(GenerationSchedulerTest, DeadlineOrCancelWhileQueuedCostsNoModelWork) {
  GenerationOptions options;
  options.max_rows = 64;
  GenerationScheduler scheduler(generator_, options);
  Gate gate;
  Outcome running, expired, cancelled;
  ASSERT_NO_FATAL_FAILURE(FillTheBatchAndHold(scheduler, running, gate));
  GenerationScheduler::Callbacks soon = expired.Callbacks();
  soon.deadline = absl::Now() + absl::Milliseconds(5);
  ASSERT_TRUE(scheduler.Submit(Request("6 6 -> 12", 2, 4), soon).ok());
  std::atomic<bool> cancel{false};
  GenerationScheduler::Callbacks cancellable = cancelled.Callbacks();
  cancellable.cancelled = [&] { return cancel.load(); };
  ASSERT_TRUE(scheduler.Submit(Request("6 6 -> 12", 3, 4), cancellable).ok());
  cancel.store(true);
  absl::SleepFor(absl::Milliseconds(20));
  gate.Open();
  expired.Wait();
  cancelled.Wait();
  running.Wait();
  EXPECT_EQ(expired.status.code(), absl::StatusCode::kDeadlineExceeded);
  EXPECT_EQ(cancelled.status.code(), absl::StatusCode::kCancelled);
  EXPECT_EQ(expired.stats.forward_passes, 0);
  EXPECT_EQ(cancelled.stats.forward_passes, 0);
  EXPECT_TRUE(expired.candidates.empty());
  EXPECT_TRUE(running.status.ok());
}

TEST_F(GenerationSchedulerTest, CancelledCallLeavesTheBatchAtTheNextStep) {
  GenerationScheduler scheduler(generator_, {});
  Outcome cancelled, other;
  std::atomic<bool> cancel{false};
  GenerationScheduler::Callbacks callbacks = cancelled.Callbacks();
  auto record = callbacks.on_candidate;
  callbacks.on_candidate = [&, record](Candidate c) {
    record(std::move(c));
    cancel.store(true);  // after its first candidate
  };
  callbacks.cancelled = [&] { return cancel.load(); };
  ASSERT_TRUE(
      scheduler.Submit(Request("4 9 10 13 -> 24", 1, 64), callbacks).ok());
  ASSERT_TRUE(
      scheduler.Submit(Request("6 6 -> 12", 2, 8), other.Callbacks()).ok());
  cancelled.Wait();
  other.Wait();
  EXPECT_EQ(cancelled.status.code(), absl::StatusCode::kCancelled);
  EXPECT_LT(cancelled.candidates.size(), 64u);
  EXPECT_TRUE(other.status.ok());
  EXPECT_EQ(other.candidates.size(), 8u);
}

TEST_F(GenerationSchedulerTest, BadRequestIsRefusedAtSubmit) {
  GenerationScheduler scheduler(generator_, {});
  Outcome outcome;
  const absl::Status status =
      scheduler.Submit(Request("4 9 -> x", 1, 4), outcome.Callbacks());
  EXPECT_EQ(status.code(), absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(status.message().rfind("problem:", 0), 0u) << status;
  EXPECT_FALSE(outcome.done);
}

TEST_F(GenerationSchedulerTest, ShutdownEndsEveryCall) {
  Outcome running, queued;
  Gate gate;
  std::thread opener;
  {
    GenerationOptions options;
    options.max_rows = 64;
    GenerationScheduler scheduler(generator_, options);
    ASSERT_NO_FATAL_FAILURE(FillTheBatchAndHold(scheduler, running, gate));
    ASSERT_TRUE(
        scheduler.Submit(Request("6 6 -> 12", 2, 4), queued.Callbacks()).ok());
    // The gate opens once the shutdown has begun (the destructor waits on
    // the held loop); opened before, a fast model could finish both calls
    // first.
    opener = std::thread([&gate] {
      absl::SleepFor(absl::Milliseconds(100));
      gate.Open();
    });
  }
  opener.join();
  // Every call ended: the queued one with UNAVAILABLE if it was still
  // queued at the shutdown, CANCELLED if it had joined the batch.
  EXPECT_TRUE(running.done);
  EXPECT_TRUE(queued.done);
  EXPECT_TRUE(queued.status.code() == absl::StatusCode::kUnavailable ||
              queued.status.code() == absl::StatusCode::kCancelled)
      << queued.status;
}

TEST_F(GenerationSchedulerTest, QueuedCallsStartInTheOrderOfTheirSolves) {
  GenerationOptions options;
  options.max_rows = 64;
  GenerationScheduler scheduler(generator_, options);
  Gate gate;
  Outcome running;
  ASSERT_NO_FATAL_FAILURE(FillTheBatchAndHold(scheduler, running, gate));
  // Each queued call fills the batch alone, so they run one after another.
  std::mutex mu;
  std::vector<std::string> finished;
  std::vector<Outcome> outcomes(3);
  const absl::Time now = absl::Now();
  const std::vector<std::pair<std::string, backend::SolveTimes>> calls = {
      {"a new Solve's first round", {now, now + absl::Seconds(60)}},
      {"an older Solve's later round",
       {now - absl::Seconds(5), now + absl::Seconds(60)}},
      {"a Solve due sooner", {now, now + absl::Seconds(30)}},
  };
  for (size_t i = 0; i < calls.size(); ++i) {
    GenerationScheduler::Callbacks callbacks = outcomes[i].Callbacks();
    callbacks.solve = calls[i].second;
    auto done = callbacks.on_done;
    callbacks.on_done = [&, done, name = calls[i].first](
                            absl::Status s, const model::ProposeStats& st) {
      {
        std::lock_guard<std::mutex> lock(mu);
        finished.push_back(name);
      }
      done(std::move(s), st);
    };
    ASSERT_TRUE(scheduler
                    .Submit(Request("6 6 -> 12", 7 + i, 16, {{}, {}, {}, {}}),
                            callbacks)
                    .ok());
  }
  gate.Open();
  running.Wait();
  for (Outcome& outcome : outcomes) {
    outcome.Wait();
    EXPECT_TRUE(outcome.status.ok()) << outcome.status;
    EXPECT_GT(outcome.stats.queue_seconds, 0);
    EXPECT_GT(outcome.stats.compute_seconds, 0);
  }
  EXPECT_EQ(finished, (std::vector<std::string>{"a Solve due sooner",
                                                "an older Solve's later round",
                                                "a new Solve's first round"}));
}

// Two rounds of a search: candidates of the problem, then of each valid
// one. Returns both rounds' candidates; `first` and `second` get the calls'
// stats, `prefixes` the number of second-round prefixes.
std::vector<Candidate> TwoRounds(const model::Generator& generator,
                                 bool prefix_cache, model::ProposeStats& first,
                                 model::ProposeStats& second, int& prefixes) {
  GenerationOptions options;
  options.prefix_cache = prefix_cache;
  GenerationScheduler scheduler(generator, options);
  ProposeRequest request = Request("1 2 3 4 -> 24", 5, 8);
  request.max_steps = 1;
  Outcome round1;
  EXPECT_TRUE(scheduler.Submit(request, round1.Callbacks()).ok());
  round1.Wait();
  SortByPrefixAndIndex(round1.candidates);
  first = round1.stats;
  request.prefixes.clear();
  for (const Candidate& c : round1.candidates) {
    if (c.valid && !c.terminal) request.prefixes.push_back(c.steps);
  }
  EXPECT_FALSE(request.prefixes.empty());
  prefixes = static_cast<int>(request.prefixes.size());
  request.num_candidates = 4;
  request.sampling.seed = 6;
  Outcome round2;
  EXPECT_TRUE(scheduler.Submit(request, round2.Callbacks()).ok());
  round2.Wait();
  EXPECT_TRUE(round2.status.ok()) << round2.status;
  SortByPrefixAndIndex(round2.candidates);
  second = round2.stats;
  std::vector<Candidate> all = round1.candidates;
  all.insert(all.end(), round2.candidates.begin(), round2.candidates.end());
  return all;
}

TEST_F(GenerationSchedulerTest, PrefixCacheSamplesTheSameAndPrefillsLess) {
  model::ProposeStats first, cached, uncached;
  int prefixes = 0;
  const std::vector<Candidate> with =
      TwoRounds(generator_, true, first, cached, prefixes);
  const std::vector<Candidate> without =
      TwoRounds(generator_, false, first, uncached, prefixes);
  ASSERT_EQ(with.size(), without.size());
  for (size_t c = 0; c < with.size(); ++c) {
    EXPECT_EQ(with[c].steps, without[c].steps) << "candidate " << c;
    EXPECT_NEAR(with[c].logprob, without[c].logprob, 1e-4) << "candidate " << c;
    EXPECT_EQ(with[c].valid, without[c].valid);
    EXPECT_EQ(with[c].terminal, without[c].terminal);
  }
  // Every second-round prefix extends a first-round candidate, whose slot
  // held the problem and the step up to its '=' (the '=' that ended it was
  // sampled, not fed): only the rest is fed again, and the positions add
  // up.
  EXPECT_EQ(uncached.positions_reused, 0);
  EXPECT_EQ(cached.positions_reused + cached.positions_prefilled,
            uncached.positions_prefilled);
  EXPECT_GT(cached.positions_reused, prefixes * first.positions_prefilled)
      << "reused " << cached.positions_reused << " of "
      << uncached.positions_prefilled;
}

}  // namespace
}  // namespace arts::serving
