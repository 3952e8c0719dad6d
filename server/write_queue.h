#ifndef ARTS_SERVER_WRITE_QUEUE_H_
#define ARTS_SERVER_WRITE_QUEUE_H_

#include <deque>
#include <functional>
#include <mutex>
#include <optional>
#include <utility>

namespace arts::server {

// The writes of one server-streaming call on gRPC's callback API, which
// allows one write at a time: messages queue while a write is out, the call
// finishes once its work is done and the queue has drained, and a client
// that went away drops what is left. Thread-safe. The reactor (ProposeReactor,
// SolveStreamReactor) calls StartWrite and Finish with what it returns,
// outside the queue's lock. `Status` is the reactor's status type.
template <typename Message, typename Status>
class WriteQueue {
 public:
  // Queues `message`. Returns it when the caller must start writing it now
  // (no write was out), else null. With `replaceable`, a queued message not
  // yet being written that it accepts is replaced instead (newer progress
  // over older). Nothing is queued once the client is gone.
  const Message* Push(
      Message message,
      const std::function<bool(const Message&)>& replaceable = nullptr) {
    std::lock_guard<std::mutex> lock(mu_);
    if (client_gone_) return nullptr;
    if (replaceable && pending_.size() > 1 && replaceable(pending_.back())) {
      pending_.back() = std::move(message);
      return nullptr;
    }
    pending_.push_back(std::move(message));
    if (writing_) return nullptr;
    writing_ = true;
    return &pending_.front();
  }

  // What to do after a write (`ok` false: the client is gone).
  struct AfterWrite {
    const Message* next = nullptr;  // start writing this
    std::optional<Status> finish;   // or finish the call with this
  };
  AfterWrite WriteDone(bool ok) {
    std::lock_guard<std::mutex> lock(mu_);
    AfterWrite after;
    pending_.pop_front();
    if (!ok) {
      client_gone_ = true;
      pending_.clear();
    }
    if (!pending_.empty()) {
      after.next = &pending_.front();
      return after;
    }
    writing_ = false;
    if (done_) after.finish = final_status_;
    return after;
  }

  // The call's work is done with `status`: returns the status to finish
  // with now, or nothing while a write is out (WriteDone finishes then).
  // `if_client_gone`, when set, replaces an OK status if the client went
  // away meanwhile.
  std::optional<Status> Done(Status status,
                             std::optional<Status> if_client_gone = {}) {
    std::lock_guard<std::mutex> lock(mu_);
    if (client_gone_ && status.ok() && if_client_gone.has_value()) {
      status = *std::move(if_client_gone);
    }
    done_ = true;
    final_status_ = status;
    if (writing_) return std::nullopt;
    return status;
  }

 private:
  std::mutex mu_;
  std::deque<Message> pending_;  // front is being written
  bool writing_ = false;
  bool client_gone_ = false;
  bool done_ = false;
  Status final_status_;
};

}  // namespace arts::server

#endif  // ARTS_SERVER_WRITE_QUEUE_H_
