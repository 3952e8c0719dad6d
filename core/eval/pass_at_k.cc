#include "core/eval/pass_at_k.h"

namespace arts::eval {

double PassAtK(int n, int c, int k) {
  if (n - c < k) return 1.0;  // every draw of k holds a correct sample
  double none = 1.0;          // C(n - c, k) / C(n, k)
  for (int i = n - c + 1; i <= n; ++i) none *= 1.0 - double(k) / i;
  return 1.0 - none;
}

double MeanPassAtK(int n, const std::vector<int>& correct, int k) {
  if (correct.empty()) return 0;
  double sum = 0;
  for (int c : correct) sum += PassAtK(n, c, k);
  return sum / correct.size();
}

}  // namespace arts::eval
