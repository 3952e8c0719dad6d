#ifndef ARTS_CORE_BACKEND_CALL_QUEUE_H_
#define ARTS_CORE_BACKEND_CALL_QUEUE_H_

#include <algorithm>
#include <condition_variable>
#include <cstdint>
#include <deque>
#include <functional>
#include <memory>
#include <mutex>
#include <tuple>
#include <utility>
#include <vector>

#include "absl/status/status.h"
#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"
#include "absl/time/time.h"
#include "core/backend/call_context.h"
#include "core/backend/overload.h"

namespace arts::backend {

struct QueueLimits {
  int max_queue = 256;  // calls waiting; one more is refused
  // The longest a call may wait before it is refused (load shedding); an
  // infinite duration never refuses a call for waiting.
  absl::Duration max_wait = absl::InfiniteDuration();
};

// The bounded queue in front of a scheduler: many threads push calls, the
// scheduler's thread takes them, in the order of their Solves: the earliest
// Solve deadline first, then the oldest Solve, then the oldest call. A
// search's later rounds thus go before newer searches' first rounds, and a
// call that says nothing of its Solve counts as a Solve of its own that
// arrived with the call, under the call's deadline. Ownership: a call belongs
// to the queue from a successful Push until Take hands it to the scheduler, or
// until the queue fails it (cancelled, deadline passed, waited too long, or
// closed), which calls its Fail exactly once, outside the lock.
//
// A refusal is cheap: no allocation, no model work, and it says when to
// retry: the recent mean queue wait (OverloadedError).
//
// Call must have: bool Cancelled() const; absl::Time Deadline() const;
// int Weight() const (its size: rows, traces); void Fail(absl::Status).
template <typename Call>
class CallQueue {
 public:
  // `on_wait`, if set, gets the queue wait in seconds of each call taken
  // (for a metric), on the taking thread.
  explicit CallQueue(QueueLimits limits,
                     std::function<void(double)> on_wait = nullptr)
      : limits_(limits), on_wait_(std::move(on_wait)) {}

  // Queues `call` for the Solve `solve`, or gives it back refused:
  // RESOURCE_EXHAUSTED with a retry delay when full, UNAVAILABLE once
  // closed. A refused call's Fail is not called; the caller reports the
  // status.
  absl::Status Push(std::unique_ptr<Call>& call, SolveTimes solve = {}) {
    {
      std::lock_guard<std::mutex> lock(mu_);
      if (closed_) return absl::UnavailableError("the server is shutting down");
      if (static_cast<int>(queue_.size()) >= limits_.max_queue) {
        return OverloadedError(
            absl::StrCat("the queue is full (", limits_.max_queue,
                         " calls waiting); retry after the pushback"),
            RetryDelayLocked());
      }
      weight_ += call->Weight();
      const absl::Time now = absl::Now();
      Entry entry;
      entry.order.deadline = solve.deadline != absl::InfiniteFuture()
                                 ? solve.deadline
                                 : call->Deadline();
      entry.order.arrival =
          solve.arrival != absl::InfiniteFuture() ? solve.arrival : now;
      entry.order.sequence = ++pushed_;
      entry.since = now;
      entry.call = std::move(call);
      queue_.insert(std::upper_bound(queue_.begin(), queue_.end(), entry,
                                     [](const Entry& a, const Entry& b) {
                                       return a.order < b.order;
                                     }),
                    std::move(entry));
    }
    ready_.notify_one();
    return absl::OkStatus();
  }

  // The refusal Push would give now, or OK: lets a caller refuse before it
  // spends anything on a call.
  absl::Status CheckRoom() {
    std::lock_guard<std::mutex> lock(mu_);
    if (closed_) return absl::UnavailableError("the server is shutting down");
    if (static_cast<int>(queue_.size()) < limits_.max_queue) {
      return absl::OkStatus();
    }
    return OverloadedError(
        absl::StrCat("the queue is full (", limits_.max_queue,
                     " calls waiting); retry after the pushback"),
        RetryDelayLocked());
  }

  // Fails the calls that were cancelled, expired or waited too long, then
  // takes calls in the queue's order while `fits` accepts them (stopping at
  // the first it refuses, so calls start in order). Records their waits.
  std::vector<std::unique_ptr<Call>> Take(
      const std::function<bool(const Call&)>& fits) {
    std::vector<std::unique_ptr<Call>> taken, dropped;
    std::vector<absl::Status> why;
    std::vector<double> waits;
    {
      std::lock_guard<std::mutex> lock(mu_);
      const absl::Time now = absl::Now();
      for (auto it = queue_.begin(); it != queue_.end();) {
        absl::Status status;
        if (it->call->Cancelled()) {
          status = absl::CancelledError("the call was cancelled while queued");
        } else if (now >= it->call->Deadline()) {
          status = absl::DeadlineExceededError(
              "the deadline passed while the call was queued");
        } else if (now - it->since > limits_.max_wait) {
          status = OverloadedError(
              absl::StrCat("queued longer than ",
                           absl::FormatDuration(limits_.max_wait),
                           "; retry after the pushback"),
              RetryDelayLocked());
        }
        if (status.ok()) {
          ++it;
          continue;
        }
        weight_ -= it->call->Weight();
        dropped.push_back(std::move(it->call));
        why.push_back(std::move(status));
        it = queue_.erase(it);
      }
      while (!queue_.empty() && fits(*queue_.front().call)) {
        const double waited = absl::ToDoubleSeconds(now - queue_.front().since);
        mean_wait_s_ = 0.9 * mean_wait_s_ + 0.1 * waited;
        waits.push_back(waited);
        weight_ -= queue_.front().call->Weight();
        taken.push_back(std::move(queue_.front().call));
        queue_.pop_front();
      }
    }
    for (size_t i = 0; i < dropped.size(); ++i) dropped[i]->Fail(why[i]);
    if (on_wait_) {
      for (double w : waits) on_wait_(w);
    }
    return taken;
  }

  // Blocks until a call is queued, the queue is closed, or `timeout`.
  void WaitForCalls(absl::Duration timeout) {
    std::unique_lock<std::mutex> lock(mu_);
    ready_.wait_for(lock, absl::ToChronoNanoseconds(timeout),
                    [&] { return closed_ || !queue_.empty(); });
  }

  // Dynamic batching: blocks until the calls queued weigh at least
  // `preferred`, or the oldest has waited `max_delay`, or the queue closes;
  // with nothing queued, until a call comes (at most `idle`).
  void WaitForBatch(int preferred, absl::Duration max_delay,
                    absl::Duration idle) {
    std::unique_lock<std::mutex> lock(mu_);
    ready_.wait_for(lock, absl::ToChronoNanoseconds(idle),
                    [&] { return closed_ || !queue_.empty(); });
    if (closed_ || queue_.empty()) return;
    absl::Time oldest = queue_.front().since;
    for (const Entry& entry : queue_) oldest = std::min(oldest, entry.since);
    const auto until = absl::ToChronoTime(oldest + max_delay);
    ready_.wait_until(lock, until,
                      [&] { return closed_ || weight_ >= preferred; });
  }

  // Refuses later pushes and fails every queued call with `status`.
  void Close(const absl::Status& status) {
    std::deque<Entry> queued;
    {
      std::lock_guard<std::mutex> lock(mu_);
      closed_ = true;
      queued.swap(queue_);
      weight_ = 0;
    }
    ready_.notify_all();
    for (Entry& entry : queued) entry.call->Fail(status);
  }

  int depth() const {
    std::lock_guard<std::mutex> lock(mu_);
    return static_cast<int>(queue_.size());
  }

 private:
  // Where a call stands in the queue.
  struct Order {
    absl::Time deadline;  // the Solve's, else the call's
    absl::Time arrival;   // the Solve's, else the call's
    uint64_t sequence = 0;

    bool operator<(const Order& other) const {
      return std::tie(deadline, arrival, sequence) <
             std::tie(other.deadline, other.arrival, other.sequence);
    }
  };
  struct Entry {
    std::unique_ptr<Call> call;
    Order order;
    absl::Time since;  // when it was queued
  };

  // How long a refused caller should wait: the recent mean wait in the
  // queue, at least 10 ms and at most 10 s.
  absl::Duration RetryDelayLocked() const {
    return std::clamp(absl::Seconds(mean_wait_s_), absl::Milliseconds(10),
                      absl::Seconds(10));
  }

  const QueueLimits limits_;
  mutable std::mutex mu_;
  std::condition_variable ready_;
  std::deque<Entry> queue_;
  bool closed_ = false;
  int64_t weight_ = 0;  // of the calls queued
  uint64_t pushed_ = 0;
  const std::function<void(double)> on_wait_;
  double mean_wait_s_ = 0;
};

}  // namespace arts::backend

#endif  // ARTS_CORE_BACKEND_CALL_QUEUE_H_
