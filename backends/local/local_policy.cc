#include "backends/local/local_policy.h"

namespace arts::backends {

absl::Status LocalPolicy::Propose(
    const backend::ProposeRequest& request, const backend::CallContext& call,
    const std::function<void(backend::Candidate)>& on_candidate) {
  absl::Status status =
      generator_
          .Propose(request, on_candidate,
                   [&call] { return call.expired() || call.is_cancelled(); })
          .status();
  if (absl::IsCancelled(status) && call.expired()) {
    return absl::DeadlineExceededError("deadline passed while proposing");
  }
  return status;
}

}  // namespace arts::backends
