#ifndef ARTS_CORE_BACKEND_CALL_CONTEXT_H_
#define ARTS_CORE_BACKEND_CALL_CONTEXT_H_

#include <functional>

#include "absl/status/status.h"
#include "absl/time/clock.h"
#include "absl/time/time.h"

namespace arts::backend {

// The Solve a backend call serves: when it arrived and when it must end.
// Backends serve their queues by the Solve's deadline, then by its age, so
// that a search's later rounds do not wait behind newer searches' first
// rounds. On the wire: the metadata of docs/bring_your_own.md ("Scheduling
// across searches").
struct SolveTimes {
  absl::Time arrival = absl::InfiniteFuture();   // unknown: the call's own
  absl::Time deadline = absl::InfiniteFuture();  // none
};

// How long one backend call waited in the backend's queue and how long it
// then took to compute (in a shared batch), as the backend reports it.
struct BackendTime {
  enum class Backend { kGenerator, kVerifier };
  Backend backend = Backend::kGenerator;
  absl::Duration queued;
  absl::Duration computed;
};

// What bounds one backend call: a deadline and a cancellation check. The
// in-process backends poll `cancelled` between forward passes; the gRPC
// backends carry the deadline on the wire and, inside a server, are children
// of the server's call, so gRPC itself cancels them when the caller goes
// away (docs/ARCHITECTURE.md).
struct CallContext {
  absl::Time deadline = absl::InfiniteFuture();
  std::function<bool()> cancelled;  // may be empty
  SolveTimes solve;
  // Where a backend that reports its times puts them (the cost receipt's
  // queue and compute seconds); may be empty, and is called from any thread.
  std::function<void(const BackendTime&)> on_time;

  bool expired() const { return absl::Now() >= deadline; }
  bool is_cancelled() const { return cancelled && cancelled(); }
  // DEADLINE_EXCEEDED or CANCELLED once the call must stop, else OK.
  absl::Status MayGoOn() const {
    if (expired()) return absl::DeadlineExceededError("the deadline passed");
    if (is_cancelled()) return absl::CancelledError("the call was cancelled");
    return absl::OkStatus();
  }
  void ReportTime(const BackendTime& time) const {
    if (on_time) on_time(time);
  }
};

}  // namespace arts::backend

#endif  // ARTS_CORE_BACKEND_CALL_CONTEXT_H_
