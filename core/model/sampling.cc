#include "core/model/sampling.h"

#include <algorithm>
#include <cmath>
#include <limits>
#include <numeric>

namespace arts::model {

SampledToken SampleToken(const float* logits, const std::vector<bool>& allowed,
                         const SamplingParams& params, std::mt19937_64& rng) {
  const int vocab = static_cast<int>(allowed.size());
  std::vector<int> ids;
  for (int t = 0; t < vocab; ++t) {
    if (allowed[t]) ids.push_back(t);
  }
  // log pi over the allowed set at temperature 1.
  double max_logit = -std::numeric_limits<double>::infinity();
  for (int t : ids) max_logit = std::max(max_logit, double{logits[t]});
  double norm = 0;
  for (int t : ids) norm += std::exp(logits[t] - max_logit);
  const double log_norm = max_logit + std::log(norm);

  // Highest logit first; ties broken by token id for determinism.
  std::sort(ids.begin(), ids.end(), [&](int a, int b) {
    return logits[a] != logits[b] ? logits[a] > logits[b] : a < b;
  });
  int chosen = ids.front();
  if (params.temperature > 0) {
    size_t keep = ids.size();
    if (params.top_k > 0) keep = std::min(keep, size_t(params.top_k));
    std::vector<double> weights(keep);
    for (size_t i = 0; i < keep; ++i) {
      weights[i] = std::exp((logits[ids[i]] - max_logit) / params.temperature);
    }
    if (params.top_p < 1.0) {
      const double total = std::accumulate(weights.begin(), weights.end(), 0.0);
      double cumulative = 0;
      size_t nucleus = 0;
      while (nucleus < keep) {
        cumulative += weights[nucleus++];
        if (cumulative >= params.top_p * total) break;
      }
      weights.resize(nucleus);
    }
    std::discrete_distribution<size_t> pick(weights.begin(), weights.end());
    chosen = ids[pick(rng)];
  }
  return SampledToken{chosen, logits[chosen] - log_norm};
}

}  // namespace arts::model
