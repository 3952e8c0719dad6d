#ifndef ARTS_CORE_MODEL_CHECKPOINT_H_
#define ARTS_CORE_MODEL_CHECKPOINT_H_

#include <torch/torch.h>

#include <map>
#include <string>

#include "absl/status/status.h"
#include "absl/status/statusor.h"

namespace arts::model {

// Versioned checkpoint file (docs/models.md has the byte layout):
//   magic "ARTSCKPT", format version, model kind, string metadata,
//   named float32 tensors, and an FNV-1a checksum of all preceding bytes.
// Readers reject a missing, truncated, corrupt, newer-format or wrong-kind
// file with a message that names the file and the problem.
inline constexpr uint32_t kCheckpointFormatVersion = 1;

struct Checkpoint {
  std::string kind;  // e.g. "generator", "verifier"
  std::map<std::string, std::string> metadata;
  std::map<std::string, torch::Tensor> tensors;
};

// Writes atomically: to `path.tmp`, then renamed over `path`.
absl::Status SaveCheckpoint(const std::string& path,
                            const Checkpoint& checkpoint);
absl::StatusOr<Checkpoint> LoadCheckpoint(const std::string& path,
                                          const std::string& expected_kind);
// The same from a checkpoint's bytes; `path` names it in errors.
absl::StatusOr<Checkpoint> ParseCheckpoint(const std::string& path,
                                           const std::string& bytes,
                                           const std::string& expected_kind);

// Copies a module's parameters and buffers into `checkpoint.tensors`.
void StoreModule(torch::nn::Module& module, Checkpoint& checkpoint);
// Loads tensors into a module of the same shape; names a missing, extra or
// mis-shaped tensor.
absl::Status RestoreModule(const Checkpoint& checkpoint,
                           const std::string& path, torch::nn::Module& module);

}  // namespace arts::model

#endif  // ARTS_CORE_MODEL_CHECKPOINT_H_
