#ifndef ARTS_BACKENDS_LOCAL_LOAD_SCORER_H_
#define ARTS_BACKENDS_LOCAL_LOAD_SCORER_H_

#include <cstdint>
#include <memory>
#include <string>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "core/backend/scorer.h"

namespace arts::backends {

// The value of a verifier-checkpoint flag that names the exact verifier
// (ExactScorer) instead of a file, the one spelling everywhere a verifier is
// named: arts-verifier --model=exact, arts-orchestrator-local
// --verifier_model=exact, arts-lab solve and eval --verifier_model=exact.
// A checkpoint file called "exact" is named ./exact.
inline constexpr absl::string_view kExactVerifier = "exact";

inline bool IsExactVerifier(absl::string_view model) {
  return model == kExactVerifier;
}

// A scorer in this process that owns what it scores with.
struct LoadedScorer {
  std::unique_ptr<backend::Scorer> scorer;
  int64_t num_parameters = 0;  // the exact verifier has none
};

// The exact verifier when `model` is kExactVerifier, else the verifier
// checkpoint at `model` loaded here (LocalScorer over it); a bad file is the
// loader's error.
absl::StatusOr<LoadedScorer> LoadScorer(const std::string& model);

}  // namespace arts::backends

#endif  // ARTS_BACKENDS_LOCAL_LOAD_SCORER_H_
