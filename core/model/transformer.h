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

// Keys and values already computed for earlier positions, one pair per layer,
// each [batch, heads, positions, head_dim]. Lets sampling feed one new token
// per step instead of the whole trace again.
struct KvCache {
  std::vector<torch::Tensor> keys;
  std::vector<torch::Tensor> values;

  int64_t length() const { return keys.empty() ? 0 : keys[0].size(2); }
  // Keeps the rows `index` (a 1-D int64 tensor) of every layer, in that
  // order; used to fork a prefix into a batch and to drop finished rows.
  void Select(const torch::Tensor& index);
};

class TransformerImpl : public torch::nn::Module {
 public:
  explicit TransformerImpl(const TransformerConfig& config);

  // tokens: [batch, time] int64. Without a cache, attends causally within
  // `tokens` (training). With one, `tokens` continue the cached positions and
  // the cache is extended. Returns [batch, time, outputs()].
  torch::Tensor Forward(const torch::Tensor& tokens, KvCache* cache = nullptr);

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
