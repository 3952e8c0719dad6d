#ifndef ARTS_CORE_MODEL_DECODE_ATTENTION_H_
#define ARTS_CORE_MODEL_DECODE_ATTENTION_H_

#include <torch/torch.h>

#include <cstdint>
#include <vector>

namespace arts::model {

// The attention of a decode pass (one new token a row) as one loop over
// each row's own keys and values, read where they lie: row r attends to
// the first lengths[r] positions of entry entries[r] of `past_keys` and
// `past_values`, and to its own new key and value.
//
// As LibTorch operations the same attention is about twenty of them a
// layer (scores against the past, against the new column, the mask, the
// softmax, two weighted sums, the moves of queries and weights to the
// past's entries and back), each with its dispatch and a temporary the
// size of the keys: at this model size their overhead, not the arithmetic,
// set a decode pass's time (docs/BENCHMARKS.md, "Decode attention in one
// loop"). Here each key and value is read once, and rows need not be
// adjacent in the past: only their own entries are touched.
//
// q, k, v: [rows, heads, 1, head_dim]; past_keys, past_values: [entries,
// heads, width, head_dim]; all float, any strides but a contiguous last
// dimension. Returns [rows, 1, heads * head_dim], heads side by side (what
// the output projection reads). No autograd: for inference only.
// `portable`: the build of the loop for any x86-64 even where the CPU has
// AVX2 (so that tests cover both builds).
torch::Tensor DecodeAttention(const torch::Tensor& q, const torch::Tensor& k,
                              const torch::Tensor& v,
                              const torch::Tensor& past_keys,
                              const torch::Tensor& past_values,
                              const std::vector<int64_t>& entries,
                              const std::vector<int64_t>& lengths, double scale,
                              bool portable = false);

}  // namespace arts::model

#endif  // ARTS_CORE_MODEL_DECODE_ATTENTION_H_
