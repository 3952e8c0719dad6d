#include "backends/local/local_scorer.h"

#include "absl/strings/str_cat.h"
#include "core/verifier/score_request.h"

namespace arts::backends {

absl::StatusOr<std::vector<std::vector<double>>> LocalScorer::Score(
    const backend::ScoreRequest& request, const backend::CallContext& call) {
  if (!request.task.empty() && request.task != verifier_.task()) {
    return absl::InvalidArgumentError(
        absl::StrCat("task: this verifier serves ", verifier_.task(), ", got '",
                     request.task, "'"));
  }
  if (absl::Status valid =
          verifier::ValidateScoreRequest(request.traces, verifier_.task());
      !valid.ok()) {
    return valid;
  }
  absl::StatusOr<std::vector<std::vector<double>>> scores = verifier_.Score(
      request.traces,
      [&call] { return call.expired() || call.is_cancelled(); });
  if (absl::IsCancelled(scores.status()) && call.expired()) {
    return absl::DeadlineExceededError("deadline passed while scoring");
  }
  return scores;
}

}  // namespace arts::backends
