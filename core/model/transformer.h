#ifndef ARTS_CORE_MODEL_TRANSFORMER_H_
#define ARTS_CORE_MODEL_TRANSFORMER_H_

#include <torch/torch.h>

#include <map>
#include <string>
#include <vector>

#include "absl/status/statusor.h"

namespace arts::model {

// Shape of a decoder-only transformer. Stored in checkpoints as key=value.
struct TransformerConfig {
  int vocab_size = 0;
  int max_len = 320;  // positions, i.e. characters of a trace
  int d_model = 128;
  int num_layers = 4;
  int num_heads = 4;
  int d_ff = 512;
  // Outputs per position: 0 means vocab_size (next-token logits, the
  // generator); the verifier uses 1 (a score per prefix).
  int output_size = 0;

  int outputs() const { return output_size == 0 ? vocab_size : output_size; }

  std::map<std::string, std::string> ToMap() const;
  static absl::StatusOr<TransformerConfig> FromMap(
      const std::map<std::string, std::string>& map);
  absl::Status Validate() const;
};

// Keys and values of positions already computed, one tensor per layer, each
// [rows, heads, width, head_dim]: row b's first lengths[b] columns are real,
// the rest padding. Rows of one batch may be at different lengths (they come
// from different requests), which is what lets sampling feed only new tokens
// and lets scoring reuse a scored prefix.
//
// Or, read in place from a store of many rows (KvSlots), without copying:
// `rows` is defined, keys and values are [range, heads, width, head_dim]
// views of a range of the store, and row b's past is entry rows[b] of the
// range. Entries of the range that no row names are computed over and
// discarded.
struct RaggedPast {
  std::vector<torch::Tensor> keys;  // empty: no past
  std::vector<torch::Tensor> values;
  torch::Tensor lengths;  // [rows] int64
  torch::Tensor rows;     // [rows] int64, or undefined: keys are by row
};

// What one ragged forward pass computed for its new tokens.
struct RaggedStep {
  torch::Tensor outputs;            // [rows, time, outputs()]
  std::vector<torch::Tensor> keys;  // per layer [rows, heads, time, head_dim]
  std::vector<torch::Tensor> values;
};

class TransformerImpl : public torch::nn::Module {
 public:
  explicit TransformerImpl(const TransformerConfig& config);

  // tokens: [batch, time] int64, attended causally (training and full
  // scoring). Returns [batch, time, outputs()].
  torch::Tensor Forward(const torch::Tensor& tokens);

  // tokens: [rows, time] int64, row b continuing after past.lengths[b]
  // positions of `past`; a row with fewer new tokens is padded at its end,
  // and the padding's outputs and keys are garbage that no real token
  // attends to. The caller keeps past.lengths[b] + the row's real tokens
  // within the context; padding past it is clamped to the last position.
  // counts[b], when given, is row b's number of real new tokens: a pass
  // with much padding then runs its linear layers on the real tokens alone
  // (packed), and the padding's outputs and keys are zeros.
  RaggedStep ForwardRagged(const torch::Tensor& tokens, const RaggedPast& past,
                           const std::vector<int>& counts = {});

  const TransformerConfig& config() const { return config_; }

 private:
  struct Block {
    torch::nn::LayerNorm ln1{nullptr}, ln2{nullptr};
    torch::nn::Linear qkv{nullptr}, proj{nullptr}, fc1{nullptr}, fc2{nullptr};
  };

  TransformerConfig config_;
  torch::nn::Embedding token_embedding_{nullptr}, position_embedding_{nullptr};
  std::vector<Block> blocks_;
  torch::nn::LayerNorm final_norm_{nullptr};
  torch::nn::Linear head_{nullptr};
};
TORCH_MODULE(Transformer);

// The number of trainable values in `model`.
int64_t CountParameters(const TransformerImpl& model);

}  // namespace arts::model

#endif  // ARTS_CORE_MODEL_TRANSFORMER_H_
