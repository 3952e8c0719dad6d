#ifndef ARTS_CORE_MODEL_TRANSFORMER_CHECKPOINT_H_
#define ARTS_CORE_MODEL_TRANSFORMER_CHECKPOINT_H_

#include <map>
#include <string>

#include "absl/status/statusor.h"
#include "core/model/transformer.h"

namespace arts::model {

// A transformer over the trace alphabet, as stored in a checkpoint of one
// kind ("generator", "verifier").
struct LoadedTransformer {
  Transformer model{nullptr};
  std::map<std::string, std::string> metadata;
};

// Loads and checks a checkpoint: its kind, the tokenizer alphabet, the
// config and every tensor. Errors name the file and the problem; LibTorch
// exceptions become statuses.
absl::StatusOr<LoadedTransformer> LoadTransformer(const std::string& path,
                                                  const std::string& kind);

// Saves `model` as a checkpoint of `kind`; the model's config and the
// tokenizer's alphabet are added to `metadata`.
absl::Status SaveTransformer(const std::string& path, const std::string& kind,
                             Transformer& model,
                             std::map<std::string, std::string> metadata);

}  // namespace arts::model

#endif  // ARTS_CORE_MODEL_TRANSFORMER_CHECKPOINT_H_
