#include "server/refusal_hold.h"

#include <algorithm>
#include <utility>
#include <vector>

#include "absl/time/clock.h"

namespace arts::server {

RefusalHold::RefusalHold(Options options)
    : options_(options), thread_([this] { AnswerDue(); }) {}

RefusalHold::~RefusalHold() {
  {
    std::lock_guard<std::mutex> lock(mu_);
    stopping_ = true;
  }
  changed_.notify_one();
  thread_.join();
}

void RefusalHold::Answer(absl::Time deadline, std::function<void()> answer) {
  const absl::Time now = absl::Now();
  const absl::Time end = now + std::min(options_.hold, (deadline - now) / 2);
  {
    std::lock_guard<std::mutex> lock(mu_);
    if (end > now && !stopping_ &&
        static_cast<int>(held_.size()) < options_.max_held) {
      const bool earliest = held_.empty() || end < held_.begin()->first;
      held_.emplace(end, std::move(answer));
      if (earliest) changed_.notify_one();
      return;
    }
  }
  answer();
}

int RefusalHold::held() const {
  std::lock_guard<std::mutex> lock(mu_);
  return static_cast<int>(held_.size());
}

void RefusalHold::AnswerDue() {
  std::unique_lock<std::mutex> lock(mu_);
  while (true) {
    // Answers run outside the lock: they finish gRPC calls.
    std::vector<std::function<void()>> due;
    const absl::Time now = absl::Now();
    while (!held_.empty() && (stopping_ || held_.begin()->first <= now)) {
      due.push_back(std::move(held_.begin()->second));
      held_.erase(held_.begin());
    }
    if (!due.empty()) {
      lock.unlock();
      for (auto& answer : due) answer();
      lock.lock();
      continue;
    }
    if (stopping_) return;
    if (held_.empty()) {
      changed_.wait(lock);
    } else {
      changed_.wait_until(lock, absl::ToChronoTime(held_.begin()->first));
    }
  }
}

}  // namespace arts::server
