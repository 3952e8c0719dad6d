// Backends that answer after a delay without holding a thread while they
// wait, as an LLM behind gRPC does: each call is parked on one timer thread
// and answered, by the wrapped policy or scorer, when its time comes. For
// the asynchronous driver's tests: thousands of calls can be out at once.
#ifndef ARTS_TESTS_DELAYED_BACKENDS_H_
#define ARTS_TESTS_DELAYED_BACKENDS_H_

#include <atomic>
#include <condition_variable>
#include <functional>
#include <map>
#include <mutex>
#include <thread>

#include "absl/time/clock.h"
#include "absl/time/time.h"
#include "core/backend/policy.h"
#include "core/backend/scorer.h"

namespace arts::testing_support {

// Runs tasks at their times on one thread.
class Timer {
 public:
  Timer();
  ~Timer();  // runs what is left at once
  void At(absl::Time when, std::function<void()> task);

 private:
  void Loop();
  std::mutex mu_;
  std::condition_variable changed_;
  std::multimap<absl::Time, std::function<void()>> tasks_;
  bool stop_ = false;
  std::thread thread_;
};

// Counts calls out at once, and the most there ever were.
class OutstandingCalls {
 public:
  void Begin();
  void End() { now_.fetch_sub(1); }
  int peak() const { return peak_.load(); }
  int now() const { return now_.load(); }

 private:
  std::atomic<int> now_{0};
  std::atomic<int> peak_{0};
};

class DelayedPolicy : public backend::Policy {
 public:
  DelayedPolicy(backend::Policy& inner, absl::Duration delay, Timer& timer,
                OutstandingCalls& calls)
      : inner_(inner), delay_(delay), timer_(timer), calls_(calls) {}

  // The synchronous call sleeps, as a blocking client would.
  absl::Status Propose(
      const backend::ProposeRequest& request, const backend::CallContext& call,
      const std::function<void(backend::Candidate)>& on_candidate) override;
  void StartPropose(const backend::ProposeRequest& request,
                    const backend::CallContext& call,
                    std::function<void(backend::Candidate)> on_candidate,
                    std::function<void(absl::Status)> on_done) override;

 private:
  backend::Policy& inner_;
  absl::Duration delay_;
  Timer& timer_;
  OutstandingCalls& calls_;
};

class DelayedScorer : public backend::Scorer {
 public:
  DelayedScorer(backend::Scorer& inner, absl::Duration delay, Timer& timer,
                OutstandingCalls& calls)
      : inner_(inner), delay_(delay), timer_(timer), calls_(calls) {}

  absl::StatusOr<std::vector<std::vector<double>>> Score(
      const backend::ScoreRequest& request,
      const backend::CallContext& call) override;
  void StartScore(const backend::ScoreRequest& request,
                  const backend::CallContext& call, ScoreDone on_done) override;

 private:
  backend::Scorer& inner_;
  absl::Duration delay_;
  Timer& timer_;
  OutstandingCalls& calls_;
};

}  // namespace arts::testing_support

#endif  // ARTS_TESTS_DELAYED_BACKENDS_H_
