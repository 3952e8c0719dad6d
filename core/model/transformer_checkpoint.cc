#include "core/model/transformer_checkpoint.h"

#include "absl/status/status.h"
#include "absl/strings/str_cat.h"
#include "core/model/checkpoint.h"
#include "core/model/tokenizer.h"

namespace arts::model {

absl::StatusOr<LoadedTransformer> LoadTransformer(const std::string& path,
                                                  const std::string& kind) {
  try {
    absl::StatusOr<Checkpoint> checkpoint = LoadCheckpoint(path, kind);
    if (!checkpoint.ok()) return checkpoint.status();
    // A model that names a tokenizer of its own (a text verifier's
    // SentencePiece model) is checked against it by its loader; the rest
    // read Countdown's characters.
    const bool own_tokenizer = checkpoint->metadata.count("tokenizer") > 0;
    auto alphabet = checkpoint->metadata.find("alphabet");
    if (!own_tokenizer && (alphabet == checkpoint->metadata.end() ||
                           alphabet->second != Tokenizer::kAlphabet)) {
      return absl::DataLossError(absl::StrCat(
          "checkpoint ", path,
          ": tokenizer alphabet differs from this build's; retrain the model"));
    }
    absl::StatusOr<TransformerConfig> config =
        TransformerConfig::FromMap(checkpoint->metadata);
    if (!config.ok()) {
      return absl::DataLossError(
          absl::StrCat("checkpoint ", path, ": ", config.status().message()));
    }
    if (!own_tokenizer && config->vocab_size != Tokenizer().vocab_size()) {
      return absl::DataLossError(absl::StrCat(
          "checkpoint ", path, ": vocab_size ", config->vocab_size,
          " does not match the tokenizer's ", Tokenizer().vocab_size()));
    }
    LoadedTransformer loaded{Transformer(*config),
                             std::move(checkpoint->metadata)};
    if (absl::Status s = RestoreModule(*checkpoint, path, *loaded.model);
        !s.ok()) {
      return s;
    }
    loaded.model->eval();
    return loaded;
  } catch (const std::exception& e) {
    return absl::InternalError(
        absl::StrCat("loading ", path, " failed: ", e.what()));
  }
}

absl::Status SaveTransformer(const std::string& path, const std::string& kind,
                             Transformer& model,
                             std::map<std::string, std::string> metadata) {
  Checkpoint checkpoint;
  checkpoint.kind = kind;
  checkpoint.metadata = std::move(metadata);
  for (auto& [key, value] : model->config().ToMap()) {
    checkpoint.metadata[key] = value;
  }
  checkpoint.metadata["alphabet"] = std::string(Tokenizer::kAlphabet);
  StoreModule(*model, checkpoint);
  try {
    return SaveCheckpoint(path, checkpoint);
  } catch (const std::exception& e) {
    return absl::InternalError(absl::StrCat("saving ", path, ": ", e.what()));
  }
}

}  // namespace arts::model
