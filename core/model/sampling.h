#ifndef ARTS_CORE_MODEL_SAMPLING_H_
#define ARTS_CORE_MODEL_SAMPLING_H_

#include <random>
#include <vector>

#include "core/model/generator.h"

namespace arts::model {

struct SampledToken {
  int token = 0;
  double logprob = 0;  // log pi(token) at temperature 1 over allowed tokens
};

// Draws one token from `logits` restricted to `allowed` (at least one must be
// true), shaped by temperature, top-k and top-p. Deterministic for a given
// generator state.
SampledToken SampleToken(const float* logits, const std::vector<bool>& allowed,
                         const SamplingParams& params, std::mt19937_64& rng);

}  // namespace arts::model

#endif  // ARTS_CORE_MODEL_SAMPLING_H_
