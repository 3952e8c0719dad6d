// The tiny random generator and verifier that the model, search and server
// tests run on: fast to build, far from uniform, saved as real checkpoints.
#ifndef ARTS_TESTS_TINY_MODELS_H_
#define ARTS_TESTS_TINY_MODELS_H_

#include <cstdint>
#include <map>
#include <string>

#include "core/model/transformer.h"

namespace arts::testing_support {

// The tiny generator shape the tests use: d_model 32, 2 layers, 2 heads,
// d_ff 64, 320 positions, the tokenizer's vocabulary.
model::TransformerConfig TinyTransformerConfig();

// A tiny random transformer, in eval mode, from torch::manual_seed(seed). The
// weights are perturbed (randn * 0.3) well beyond the training initialisation
// so that its distributions are far from uniform and tests notice a wrong
// context.
model::Transformer MakeTinyTransformer(
    uint64_t seed,
    const model::TransformerConfig& config = TinyTransformerConfig());

// Saves MakeTinyTransformer(seed) as a generator checkpoint at `path`, with
// `metadata`. A failure to save is a fatal failure of the current test.
void SaveTinyGenerator(const std::string& path, uint64_t seed,
                       const std::map<std::string, std::string>& metadata = {});

// Saves a tiny random verifier (TinyTransformerConfig with one output,
// MakeTinyTransformer(seed)) as a verifier checkpoint at `path`, with
// `metadata`. A failure to save is a fatal failure of the current test.
void SaveTinyVerifier(const std::string& path, uint64_t seed,
                      const std::map<std::string, std::string>& metadata = {});

}  // namespace arts::testing_support

#endif  // ARTS_TESTS_TINY_MODELS_H_
