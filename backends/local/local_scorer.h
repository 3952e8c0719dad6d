#ifndef ARTS_BACKENDS_LOCAL_LOCAL_SCORER_H_
#define ARTS_BACKENDS_LOCAL_LOCAL_SCORER_H_

#include <vector>

#include "core/backend/scorer.h"
#include "core/verifier/flow_verifier.h"

namespace arts::backends {

// backend::Scorer over a verifier loaded in this process. The call's
// deadline and cancellation are checked before each forward pass.
class LocalScorer : public backend::Scorer {
 public:
  explicit LocalScorer(const verifier::FlowVerifier& verifier)
      : verifier_(verifier) {}

  absl::StatusOr<std::vector<std::vector<double>>> Score(
      const backend::ScoreRequest& request,
      const backend::CallContext& call) override;

 private:
  const verifier::FlowVerifier& verifier_;
};

}  // namespace arts::backends

#endif  // ARTS_BACKENDS_LOCAL_LOCAL_SCORER_H_
