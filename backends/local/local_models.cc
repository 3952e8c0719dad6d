#include "backends/local/local_models.h"

#include <utility>

#include "backends/local/exact_scorer.h"
#include "backends/local/load_scorer.h"
#include "backends/local/scheduled_backends.h"

namespace arts::backends {

absl::StatusOr<std::unique_ptr<LocalModels>> LocalModels::Load(
    LocalModelsOptions options) {
  std::unique_ptr<LocalModels> models(new LocalModels());
  absl::StatusOr<std::unique_ptr<model::Generator>> generator =
      model::Generator::Load(options.generator);
  if (!generator.ok()) return generator.status();
  models->generator_ = *std::move(generator);
  if (!IsExactVerifier(options.verifier)) {
    absl::StatusOr<std::unique_ptr<verifier::FlowVerifier>> verifier =
        verifier::FlowVerifier::Load(options.verifier);
    if (!verifier.ok()) return verifier.status();
    models->verifier_ = *std::move(verifier);
  }
  models->generation_ = std::make_unique<serving::GenerationScheduler>(
      *models->generator_, options.generation,
      std::move(options.generation_hooks));
  models->policy_ = std::make_unique<ScheduledPolicy>(*models->generation_);
  if (models->verifier_ == nullptr) {
    models->scorer_ = std::make_unique<ExactScorer>();
  } else {
    models->scoring_ = std::make_unique<serving::ScoringScheduler>(
        *models->verifier_, options.scoring, std::move(options.scoring_hooks));
    models->scorer_ = std::make_unique<ScheduledScorer>(*models->scoring_);
  }
  return models;
}

LocalModels::~LocalModels() {
  generation_.reset();
  scoring_.reset();
}

int64_t LocalModels::num_parameters() const {
  return generator_->num_parameters() +
         (verifier_ != nullptr ? verifier_->num_parameters() : 0);
}

}  // namespace arts::backends
