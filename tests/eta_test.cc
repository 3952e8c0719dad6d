// Progress lines' ETA: the sooner of the run's end at its rate so far and
// its time limit.
#include "core/io/eta.h"

#include "gtest/gtest.h"

namespace arts::io {
namespace {

TEST(EtaTest, TheSoonerOfTheWorkLeftAndTheTimeLimit) {
  // 10 of 100 steps in 1 minute: 9 minutes left at that rate.
  EXPECT_DOUBLE_EQ(EtaMinutes(1, 10, 100), 9);
  // A 15-minute limit with 1000 epochs asked for: the limit ends it.
  EXPECT_DOUBLE_EQ(EtaMinutes(1, 10, 100000, 15), 14);
  // The work ends before the limit.
  EXPECT_DOUBLE_EQ(EtaMinutes(1, 10, 100, 15), 9);
  // Past the limit, or done: nothing left.
  EXPECT_DOUBLE_EQ(EtaMinutes(16, 10, 100, 15), 0);
  EXPECT_DOUBLE_EQ(EtaMinutes(3, 100, 100, 15), 0);
  // Nothing done yet: the limit if there is one, else unknown (0).
  EXPECT_DOUBLE_EQ(EtaMinutes(0.5, 0, 100, 15), 14.5);
  EXPECT_DOUBLE_EQ(EtaMinutes(0.5, 0, 100), 0);
}

}  // namespace
}  // namespace arts::io
