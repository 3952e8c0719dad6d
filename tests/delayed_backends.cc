#include "tests/delayed_backends.h"

#include <utility>
#include <vector>

namespace arts::testing_support {

Timer::Timer() : thread_([this] { Loop(); }) {}

Timer::~Timer() {
  {
    std::lock_guard<std::mutex> lock(mu_);
    stop_ = true;
  }
  changed_.notify_all();
  thread_.join();
}

void Timer::At(absl::Time when, std::function<void()> task) {
  {
    std::lock_guard<std::mutex> lock(mu_);
    tasks_.emplace(when, std::move(task));
  }
  changed_.notify_all();
}

void Timer::Loop() {
  std::unique_lock<std::mutex> lock(mu_);
  while (true) {
    if (tasks_.empty()) {
      if (stop_) return;
      changed_.wait(lock);
      continue;
    }
    auto first = tasks_.begin();
    if (!stop_ && absl::Now() < first->first) {
      changed_.wait_until(lock, absl::ToChronoTime(first->first));
      continue;
    }
    std::function<void()> task = std::move(first->second);
    tasks_.erase(first);
    lock.unlock();
    task();
    lock.lock();
  }
}

void OutstandingCalls::Begin() {
  const int now = now_.fetch_add(1) + 1;
  int peak = peak_.load();
  while (now > peak && !peak_.compare_exchange_weak(peak, now)) {
  }
}

absl::Status DelayedPolicy::Propose(
    const backend::ProposeRequest& request, const backend::CallContext& call,
    const std::function<void(backend::Candidate)>& on_candidate) {
  absl::SleepFor(delay_);
  return inner_.Propose(request, call, on_candidate);
}

void DelayedPolicy::StartPropose(
    const backend::ProposeRequest& request, const backend::CallContext& call,
    std::function<void(backend::Candidate)> on_candidate,
    std::function<void(absl::Status)> on_done) {
  calls_.Begin();
  timer_.At(absl::Now() + delay_,
            [this, request, call, on_candidate = std::move(on_candidate),
             on_done = std::move(on_done)] {
              absl::Status status = inner_.Propose(request, call, on_candidate);
              calls_.End();
              on_done(std::move(status));
            });
}

absl::StatusOr<std::vector<std::vector<double>>> DelayedScorer::Score(
    const backend::ScoreRequest& request, const backend::CallContext& call) {
  absl::SleepFor(delay_);
  return inner_.Score(request, call);
}

void DelayedScorer::StartScore(const backend::ScoreRequest& request,
                               const backend::CallContext& call,
                               ScoreDone on_done) {
  calls_.Begin();
  timer_.At(absl::Now() + delay_,
            [this, request, call, on_done = std::move(on_done)] {
              auto scores = inner_.Score(request, call);
              calls_.End();
              on_done(std::move(scores));
            });
}

}  // namespace arts::testing_support
