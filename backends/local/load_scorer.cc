#include "backends/local/load_scorer.h"

#include <utility>

#include "backends/local/exact_scorer.h"
#include "backends/local/local_scorer.h"
#include "core/verifier/flow_verifier.h"

namespace arts::backends {
namespace {

// LocalScorer together with the verifier it reads.
class OwningLocalScorer : public backend::Scorer {
 public:
  explicit OwningLocalScorer(std::unique_ptr<verifier::FlowVerifier> verifier)
      : verifier_(std::move(verifier)), scorer_(*verifier_) {}

  absl::StatusOr<std::vector<std::vector<double>>> Score(
      const backend::ScoreRequest& request,
      const backend::CallContext& call) override {
    return scorer_.Score(request, call);
  }

 private:
  std::unique_ptr<verifier::FlowVerifier> verifier_;
  LocalScorer scorer_;
};

}  // namespace

absl::StatusOr<LoadedScorer> LoadScorer(const std::string& model) {
  LoadedScorer loaded;
  if (IsExactVerifier(model)) {
    loaded.scorer = std::make_unique<ExactScorer>();
    return loaded;
  }
  absl::StatusOr<std::unique_ptr<verifier::FlowVerifier>> verifier =
      verifier::FlowVerifier::Load(model);
  if (!verifier.ok()) return verifier.status();
  loaded.num_parameters = (*verifier)->num_parameters();
  loaded.scorer = std::make_unique<OwningLocalScorer>(*std::move(verifier));
  return loaded;
}

}  // namespace arts::backends
