#ifndef ARTS_CORE_BACKEND_CALL_CONTEXT_H_
#define ARTS_CORE_BACKEND_CALL_CONTEXT_H_

#include <functional>

#include "absl/status/status.h"
#include "absl/time/clock.h"
#include "absl/time/time.h"

namespace arts::backend {

// What bounds one backend call: a deadline and a cancellation check. The
// in-process backends poll `cancelled` between forward passes; the gRPC
// backends carry the deadline on the wire and, inside a server, are children
// of the server's call, so gRPC itself cancels them when the caller goes
// away (docs/ARCHITECTURE.md).
struct CallContext {
  absl::Time deadline = absl::InfiniteFuture();
  std::function<bool()> cancelled;  // may be empty

  bool expired() const { return absl::Now() >= deadline; }
  bool is_cancelled() const { return cancelled && cancelled(); }
  // DEADLINE_EXCEEDED or CANCELLED once the call must stop, else OK.
  absl::Status MayGoOn() const {
    if (expired()) return absl::DeadlineExceededError("the deadline passed");
    if (is_cancelled()) return absl::CancelledError("the call was cancelled");
    return absl::OkStatus();
  }
};

}  // namespace arts::backend

#endif  // ARTS_CORE_BACKEND_CALL_CONTEXT_H_
