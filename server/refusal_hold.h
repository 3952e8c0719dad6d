#ifndef ARTS_SERVER_REFUSAL_HOLD_H_
#define ARTS_SERVER_REFUSAL_HOLD_H_

#include <condition_variable>
#include <functional>
#include <map>
#include <mutex>
#include <thread>

#include "absl/time/time.h"

namespace arts::server {

// Answers refused calls after a short hold. A client that ignores the retry
// pushback and sends its next call as soon as the refusal arrives would
// otherwise have the server parse and refuse thousands of calls a second,
// taking the CPU its admitted searches need (docs/search.md, "Limits").
// Held, a refused call costs an open call and a map entry until its answer;
// such a client then sends at most one call per hold.
//
// One thread answers the held calls in the order their holds end. Thread-safe.
class RefusalHold {
 public:
  struct Options {
    // How long a refusal is held; zero answers at once.
    absl::Duration hold = absl::Milliseconds(250);
    // The most calls held at once; more are answered at once.
    int max_held = 10'000;
  };

  explicit RefusalHold(Options options);
  // Answers every call still held, at once.
  ~RefusalHold();
  RefusalHold(const RefusalHold&) = delete;
  RefusalHold& operator=(const RefusalHold&) = delete;

  // Calls `answer` once the hold ends: after `options.hold`, or half the
  // time left before `deadline` when that is shorter, so that the caller
  // hears the refusal (and its pushback) before its own deadline. Calls it
  // at once (on this thread) when the hold is zero or `max_held` are held.
  void Answer(absl::Time deadline, std::function<void()> answer);

  // Calls held now.
  int held() const;

 private:
  void AnswerDue();

  const Options options_;
  mutable std::mutex mu_;
  std::condition_variable changed_;
  std::multimap<absl::Time, std::function<void()>> held_;  // by hold's end
  bool stopping_ = false;
  std::thread thread_;  // last: it uses everything above
};

}  // namespace arts::server

#endif  // ARTS_SERVER_REFUSAL_HOLD_H_
