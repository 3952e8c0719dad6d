#ifndef ARTS_CORE_EVAL_PASS_AT_K_H_
#define ARTS_CORE_EVAL_PASS_AT_K_H_

#include <vector>

namespace arts::eval {

// The unbiased estimator of pass@k of Chen et al. (2021, "Evaluating Large
// Language Models Trained on Code"): from n samples of which c are correct,
// the probability that k drawn without replacement hold at least one
// correct one, 1 - C(n - c, k) / C(n, k). Computed as the product
// 1 - prod_{i = n - c + 1}^{n} (1 - k / i), which neither overflows nor
// loses precision for n in the thousands. Requires 0 <= c <= n and
// 1 <= k <= n.
double PassAtK(int n, int c, int k);

// The most samples per problem the evaluation draws and reads back.
inline constexpr int kMaxPassAtKSamples = 4096;

// The mean of PassAtK over problems, given each problem's correct count
// out of the same n samples.
double MeanPassAtK(int n, const std::vector<int>& correct, int k);

}  // namespace arts::eval

#endif  // ARTS_CORE_EVAL_PASS_AT_K_H_
