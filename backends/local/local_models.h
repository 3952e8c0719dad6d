#ifndef ARTS_BACKENDS_LOCAL_LOCAL_MODELS_H_
#define ARTS_BACKENDS_LOCAL_LOCAL_MODELS_H_

#include <cstdint>
#include <memory>
#include <string>

#include "absl/status/statusor.h"
#include "core/backend/policy.h"
#include "core/backend/scorer.h"
#include "core/model/generator.h"
#include "core/serving/generation_scheduler.h"
#include "core/serving/scoring_scheduler.h"
#include "core/verifier/flow_verifier.h"

namespace arts::backends {

struct LocalModelsOptions {
  std::string generator;  // a generator checkpoint
  std::string verifier;   // a verifier checkpoint, or "exact" (no model)
  serving::GenerationOptions generation;
  serving::GenerationHooks generation_hooks;
  serving::ScoringOptions scoring;
  serving::ScoringHooks scoring_hooks;
};

// The generator and the verifier loaded in this process for many searches
// at once, each model owned by one scheduler (core/serving) as in the
// Generator and Verifier services: concurrent searches share their decode
// steps and forward passes. The exact verifier has no model and scores on
// the caller's thread.
class LocalModels {
 public:
  // A bad checkpoint is the loader's error, naming the file.
  static absl::StatusOr<std::unique_ptr<LocalModels>> Load(
      LocalModelsOptions options);
  // The schedulers stop first: queued calls fail with UNAVAILABLE.
  ~LocalModels();

  backend::Policy& policy() { return *policy_; }
  backend::Scorer& scorer() { return *scorer_; }
  int64_t num_parameters() const;

 private:
  LocalModels() = default;

  std::unique_ptr<model::Generator> generator_;
  std::unique_ptr<verifier::FlowVerifier> verifier_;  // null: exact
  std::unique_ptr<serving::GenerationScheduler> generation_;
  std::unique_ptr<serving::ScoringScheduler> scoring_;
  std::unique_ptr<backend::Policy> policy_;
  std::unique_ptr<backend::Scorer> scorer_;
};

}  // namespace arts::backends

#endif  // ARTS_BACKENDS_LOCAL_LOCAL_MODELS_H_
