#include "core/eval/pass_at_k.h"

#include <cmath>
#include <vector>

#include "gtest/gtest.h"

namespace arts::eval {
namespace {

// C(n, k) as a double, by the textbook product.
double Choose(int n, int k) {
  double value = 1;
  for (int i = 1; i <= k; ++i) value = value * (n - k + i) / i;
  return value;
}

TEST(PassAtKTest, MatchesTheCombinatorialFormulaOnSmallCases) {
  for (int n = 1; n <= 12; ++n) {
    for (int c = 0; c <= n; ++c) {
      for (int k = 1; k <= n; ++k) {
        const double exact =
            n - c < k ? 1.0 : 1.0 - Choose(n - c, k) / Choose(n, k);
        EXPECT_NEAR(PassAtK(n, c, k), exact, 1e-12)
            << "n=" << n << " c=" << c << " k=" << k;
      }
    }
  }
}

TEST(PassAtKTest, HandWorkedValues) {
  EXPECT_DOUBLE_EQ(PassAtK(10, 0, 5), 0.0);
  EXPECT_DOUBLE_EQ(PassAtK(10, 10, 1), 1.0);
  EXPECT_DOUBLE_EQ(PassAtK(4, 1, 1), 0.25);   // pass@1 is c / n
  EXPECT_DOUBLE_EQ(PassAtK(4, 1, 2), 0.5);    // 1 - C(3,2)/C(4,2) = 1 - 3/6
  EXPECT_DOUBLE_EQ(PassAtK(4, 2, 3), 1.0);    // 2 wrong cannot fill 3
  EXPECT_NEAR(PassAtK(5, 2, 2), 0.7, 1e-15);  // 1 - C(3,2)/C(5,2) = 1 - 3/10
  EXPECT_NEAR(PassAtK(256, 1, 16), 16.0 / 256, 1e-12);
}

TEST(PassAtKTest, StableForLargeN) {
  const double p = PassAtK(4096, 3, 256);
  EXPECT_GT(p, 0);
  EXPECT_LT(p, 1);
  EXPECT_NEAR(p, 1 - std::pow(1 - 256.0 / 4096, 3), 1e-3);
}

TEST(PassAtKTest, MeanOverProblems) {
  EXPECT_DOUBLE_EQ(MeanPassAtK(4, {0, 1, 4}, 1), (0 + 0.25 + 1) / 3);
  EXPECT_EQ(MeanPassAtK(4, {}, 1), 0);
}

}  // namespace
}  // namespace arts::eval
