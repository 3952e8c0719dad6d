#include "core/search/search_pool.h"

#include <algorithm>
#include <utility>

namespace arts::search {
namespace {

// How often an idle thread looks for waiting searches that may no longer
// start (deadline, cancellation, waited too long).
constexpr auto kSweepEvery = std::chrono::milliseconds(20);

}  // namespace

// A search while it runs. Its round's replies are collected here, each call
// into its own slot, so calls that finish on different threads never share
// a reply.
struct SearchPool::Active {
  Search search;
  std::vector<ProposeReply> proposed;
  std::vector<ScoreReply> scored;
  std::atomic<int> calls_out{0};
};

// A search waiting for a running slot, as backend::CallQueue wants a call.
struct SearchPool::Waiting {
  Search search;
  bool Cancelled() const { return search.run->call().is_cancelled(); }
  absl::Time Deadline() const { return search.run->call().deadline; }
  int Weight() const { return 1; }
  void Fail(absl::Status status) { search.done(std::move(status)); }
};

SearchPool::SearchPool(SearchPoolOptions options)
    : options_(options), waiting_(options.queue) {
  const int threads = std::max(1, options_.threads);
  for (int i = 0; i < threads; ++i) threads_.emplace_back([this] { Work(); });
}

SearchPool::~SearchPool() {
  waiting_.Close(absl::UnavailableError("the server is shutting down"));
  {
    std::unique_lock<std::mutex> lock(mu_);
    idle_.wait(lock, [this] { return running_.load() == 0; });
    stopping_ = true;
  }
  ready_.notify_all();
  for (std::thread& thread : threads_) thread.join();
}

absl::Status SearchPool::Submit(Search search) {
  // In order: a search starts at once only while none is waiting.
  if (waiting_.depth() == 0 && ReserveSlot()) {
    auto active = std::make_shared<Active>();
    active->search = std::move(search);
    Post([this, active] { Resume(active); });
    return absl::OkStatus();
  }
  auto waiting = std::make_unique<Waiting>();
  waiting->search = std::move(search);
  if (absl::Status pushed = waiting_.Push(waiting); !pushed.ok()) {
    return pushed;
  }
  AdmitWaiting();  // a slot may have freed meanwhile
  return absl::OkStatus();
}

absl::Status SearchPool::CheckRoom() {
  if (waiting_.depth() == 0 && running_.load() < options_.max_running) {
    return absl::OkStatus();
  }
  return waiting_.CheckRoom();
}

bool SearchPool::ReserveSlot() {
  int running = running_.load();
  while (running < options_.max_running) {
    if (running_.compare_exchange_weak(running, running + 1)) return true;
  }
  return false;
}

void SearchPool::AdmitWaiting() {
  std::vector<std::unique_ptr<Waiting>> admitted =
      waiting_.Take([this](const Waiting&) { return ReserveSlot(); });
  for (std::unique_ptr<Waiting>& waiting : admitted) {
    auto active = std::make_shared<Active>();
    active->search = std::move(waiting->search);
    Post([this, active] { Resume(active); });
  }
}

void SearchPool::Post(std::function<void()> task) {
  // Notified under the lock: a backend's thread posts a search's last
  // reply, and once a pool thread has taken that task the search may end
  // and the destructor run; it cannot take the task (nor the destructor
  // pass `mu_`) before this thread is done with `ready_` (TSan saw
  // ~SearchPool destroy `ready_` while a notify was still in it).
  std::lock_guard<std::mutex> lock(mu_);
  tasks_.push_back(std::move(task));
  ready_.notify_one();
}

void SearchPool::Work() {
  while (true) {
    std::function<void()> task;
    {
      std::unique_lock<std::mutex> lock(mu_);
      ready_.wait_for(lock, kSweepEvery,
                      [this] { return stopping_ || !tasks_.empty(); });
      if (tasks_.empty()) {
        if (stopping_) return;
      } else {
        task = std::move(tasks_.front());
        tasks_.pop_front();
      }
    }
    if (task) {
      task();
    } else if (waiting_.depth() > 0) {
      AdmitWaiting();
    }
  }
}

void SearchPool::Resume(std::shared_ptr<Active> search) {
  switch (search->search.run->Advance()) {
    case SearchRun::Wait::kGenerator:
      return StartProposeRound(std::move(search));
    case SearchRun::Wait::kVerifier:
      return StartScoreRound(std::move(search));
    case SearchRun::Wait::kFinished:
      break;
  }
  absl::StatusOr<SearchResult> result = search->search.run->TakeResult();
  End(std::move(search), std::move(result));
}

void SearchPool::StartProposeRound(std::shared_ptr<Active> search) {
  // Copies: a call may finish, and the search be resumed on another
  // thread, before the loop below has started the last call.
  const std::vector<ProposeCall> calls = search->search.run->propose_calls();
  search->proposed.assign(calls.size(), ProposeReply());
  search->calls_out.store(static_cast<int>(calls.size()));
  const backend::CallContext call = search->search.run->call();
  for (size_t i = 0; i < calls.size(); ++i) {
    ProposeReply* reply = &search->proposed[i];
    const size_t wanted = calls[i].wanted;
    search->search.policy->StartPropose(
        calls[i].request, call,
        [reply, wanted](backend::Candidate candidate) {
          reply->Add(std::move(candidate), wanted);
        },
        [this, search, reply](absl::Status status) {
          reply->status = std::move(status);
          if (search->calls_out.fetch_sub(1) != 1) return;
          Post([this, search] {
            search->search.run->Proposed(std::move(search->proposed));
            Resume(search);
          });
        });
  }
}

void SearchPool::StartScoreRound(std::shared_ptr<Active> search) {
  const std::vector<ScoreCall> calls = search->search.run->score_calls();
  search->scored.assign(calls.size(), ScoreReply(absl::UnknownError("")));
  search->calls_out.store(static_cast<int>(calls.size()));
  const backend::CallContext call = search->search.run->call();
  for (size_t i = 0; i < calls.size(); ++i) {
    ScoreReply* reply = &search->scored[i];
    search->search.scorer->StartScore(
        calls[i].request, call, [this, search, reply](ScoreReply scores) {
          *reply = std::move(scores);
          if (search->calls_out.fetch_sub(1) != 1) return;
          Post([this, search] {
            search->search.run->Scored(std::move(search->scored));
            Resume(search);
          });
        });
  }
}

void SearchPool::End(std::shared_ptr<Active> search,
                     absl::StatusOr<SearchResult> result) {
  // The slot frees first, so that `done` sees the search counted out (the
  // orchestrator's in-flight gauge). The destructor may then stop waiting,
  // but joins this thread, which is still in this task.
  {
    std::lock_guard<std::mutex> lock(mu_);
    running_.fetch_sub(1);
  }
  // The search's backends may go with `done`; nothing of them is touched
  // after it.
  search->search.done(std::move(result));
  idle_.notify_all();
  AdmitWaiting();
}

}  // namespace arts::search
