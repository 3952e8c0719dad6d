#ifndef ARTS_CORE_SEARCH_SEARCH_POOL_H_
#define ARTS_CORE_SEARCH_SEARCH_POOL_H_

#include <atomic>
#include <condition_variable>
#include <deque>
#include <functional>
#include <memory>
#include <mutex>
#include <thread>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "core/backend/call_queue.h"
#include "core/backend/policy.h"
#include "core/backend/scorer.h"
#include "core/search/search_result.h"
#include "core/search/search_run.h"

namespace arts::search {

struct SearchPoolOptions {
  // Threads that run the plans: a search holds one only while its plan
  // decides its next round, never while it waits on its backends.
  int threads = 2;
  // Searches running at once; each holds only its memory while it waits.
  int max_running = 4096;
  // Searches waiting for a running slot, and for how long at most.
  backend::QueueLimits queue{4096, absl::Seconds(10)};
};

// The asynchronous driver: runs many searches at once on a fixed pool of
// threads, none per search. A thread resumes a search's plan (SearchRun),
// starts every call of its next round at once (Policy::StartPropose,
// Scorer::StartScore) and moves on; the last reply of the round queues the
// search to be resumed. With backends that wait without a thread (gRPC's
// callback API, the in-process schedulers), thousands of searches waiting on
// slow backends cost their memory and nothing else.
//
// Admission: at most `max_running` searches run; later ones wait in a
// bounded queue (backend::CallQueue), in order. One that finds the queue
// full or waits past `queue.max_wait` is refused with RESOURCE_EXHAUSTED
// and a retry delay; one cancelled or past its deadline while it waits ends
// without a backend call.
//
// Ownership of a search: Submit takes it. If Submit refuses it, nothing is
// called back and Submit returns why. Otherwise `done` is called exactly
// once, with the result or the error, from a pool thread (or from the
// destructor, for a search still waiting then). The backends must outlive
// that call.
class SearchPool {
 public:
  struct Search {
    std::unique_ptr<SearchRun> run;
    backend::Policy* policy = nullptr;
    backend::Scorer* scorer = nullptr;  // null when the run needs none
    std::function<void(absl::StatusOr<SearchResult>)> done;
  };

  explicit SearchPool(SearchPoolOptions options);
  // Refuses new searches, fails waiting ones with UNAVAILABLE and waits for
  // the running ones to end (their backend calls end at their deadlines or
  // when cancelled).
  ~SearchPool();
  SearchPool(const SearchPool&) = delete;
  SearchPool& operator=(const SearchPool&) = delete;

  absl::Status Submit(Search search);
  // The refusal Submit would give now, or OK: lets a server refuse before
  // it parses a request or builds a search (a refusal then costs next to
  // nothing).
  absl::Status CheckRoom();

  int running() const { return running_.load(); }
  int waiting() const { return waiting_.depth(); }

 private:
  struct Active;
  struct Waiting;

  void Post(std::function<void()> task);
  void Work();
  // A running slot, if one is free.
  bool ReserveSlot();
  // Starts waiting searches while slots are free; fails those that may no
  // longer start.
  void AdmitWaiting();
  // Resumes a search's plan and starts its next round, or ends it.
  void Resume(std::shared_ptr<Active> search);
  void StartProposeRound(std::shared_ptr<Active> search);
  void StartScoreRound(std::shared_ptr<Active> search);
  void End(std::shared_ptr<Active> search, absl::StatusOr<SearchResult> result);

  const SearchPoolOptions options_;
  backend::CallQueue<Waiting> waiting_;
  std::atomic<int> running_{0};
  std::mutex mu_;
  std::condition_variable ready_;  // a task is posted, or stopping
  std::condition_variable idle_;   // a search ended
  std::deque<std::function<void()>> tasks_;
  bool stopping_ = false;
  std::vector<std::thread> threads_;
};

}  // namespace arts::search

#endif  // ARTS_CORE_SEARCH_SEARCH_POOL_H_
