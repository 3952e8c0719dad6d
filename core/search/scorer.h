#ifndef ARTS_CORE_SEARCH_SCORER_H_
#define ARTS_CORE_SEARCH_SCORER_H_

#include <vector>

#include "absl/status/statusor.h"
#include "absl/time/clock.h"
#include "absl/time/time.h"
#include "core/verifier/flow_verifier.h"

namespace arts::search {

// Where scores come from: the verifier F_theta, in this process or behind a
// Verifier service. Search strategies are written against this interface.
class Scorer {
 public:
  virtual ~Scorer() = default;

  // For each trace, log F of every prefix (entry 0 the problem alone, entry i
  // the trace after step i). Gives up with DEADLINE_EXCEEDED at `deadline`;
  // UNAVAILABLE means the verifier cannot be reached.
  virtual absl::StatusOr<std::vector<std::vector<double>>> Score(
      const std::vector<verifier::TraceRef>& traces, absl::Time deadline) = 0;
};

// The in-process implementation over a loaded verifier. The deadline is
// checked before each forward pass of the verifier.
class LocalScorer : public Scorer {
 public:
  explicit LocalScorer(const verifier::FlowVerifier& verifier)
      : verifier_(verifier) {}

  absl::StatusOr<std::vector<std::vector<double>>> Score(
      const std::vector<verifier::TraceRef>& traces,
      absl::Time deadline) override {
    absl::StatusOr<std::vector<std::vector<double>>> scores =
        verifier_.Score(traces, [deadline] { return absl::Now() >= deadline; });
    if (absl::IsCancelled(scores.status())) {
      return absl::DeadlineExceededError("deadline passed while scoring");
    }
    return scores;
  }

 private:
  const verifier::FlowVerifier& verifier_;
};

}  // namespace arts::search

#endif  // ARTS_CORE_SEARCH_SCORER_H_
