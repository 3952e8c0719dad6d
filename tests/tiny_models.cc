#include "tests/tiny_models.h"

#include <torch/torch.h>

#include "core/model/generator.h"
#include "core/model/tokenizer.h"
#include "core/verifier/flow_verifier.h"
#include "gtest/gtest.h"

namespace arts::testing_support {

model::TransformerConfig TinyTransformerConfig() {
  model::TransformerConfig config;
  config.vocab_size = model::Tokenizer().vocab_size();
  config.d_model = 32;
  config.num_layers = 2;
  config.num_heads = 2;
  config.d_ff = 64;
  config.max_len = 320;
  return config;
}

model::Transformer MakeTinyTransformer(uint64_t seed,
                                       const model::TransformerConfig& config) {
  torch::manual_seed(seed);
  model::Transformer model(config);
  torch::NoGradGuard no_grad;
  for (torch::Tensor& p : model->parameters()) {
    p.add_(torch::randn_like(p) * 0.3);
  }
  model->eval();
  return model;
}

void SaveTinyGenerator(const std::string& path, uint64_t seed,
                       const std::map<std::string, std::string>& metadata) {
  model::Transformer net = MakeTinyTransformer(seed);
  absl::Status saved = model::SaveGenerator(path, net, metadata);
  ASSERT_TRUE(saved.ok()) << saved;
}

void SaveTinyVerifier(const std::string& path, uint64_t seed,
                      const std::map<std::string, std::string>& metadata) {
  model::TransformerConfig config = TinyTransformerConfig();
  config.output_size = 1;
  model::Transformer net = MakeTinyTransformer(seed, config);
  absl::Status saved = verifier::SaveVerifier(path, net, metadata);
  ASSERT_TRUE(saved.ok()) << saved;
}

}  // namespace arts::testing_support
