// Tests of the generator's prefix cache index: longest cached prefix,
// least-recently-used eviction, and one slot per token sequence. No model.

#include "core/model/prefix_index.h"

#include <vector>

#include "gtest/gtest.h"

namespace arts::model {
namespace {

TEST(PrefixIndexTest, FindsTheLongestCachedPrefixWithinTheLimit) {
  PrefixIndex index;
  EXPECT_EQ(index.Insert({1, 2}, 0), -1);
  EXPECT_EQ(index.Insert({1, 2, 3, 4}, 1), -1);
  EXPECT_EQ(index.Insert({1, 5, 3}, 2), -1);
  const std::vector<int> tokens = {1, 2, 3, 4, 5};
  PrefixIndex::Match match = index.Longest(tokens, 4);
  EXPECT_EQ(match.slot, 1);
  EXPECT_EQ(match.length, 4);
  // The limit keeps at least one token to feed.
  match = index.Longest({1, 2, 3, 4}, 3);
  EXPECT_EQ(match.slot, 0);
  EXPECT_EQ(match.length, 2);
  // A sequence that only shares a start with an entry does not match it.
  match = index.Longest({1, 5, 4, 4}, 3);
  EXPECT_EQ(match.slot, -1);
  EXPECT_EQ(match.length, 0);
  EXPECT_EQ(index.Longest({7}, 1).slot, -1);
}

TEST(PrefixIndexTest, EvictsTheLeastRecentlyUsedButNeverTheOneKept) {
  PrefixIndex index;
  index.Insert({1}, 10);
  index.Insert({2}, 11);
  index.Insert({3}, 12);
  // Using {1} makes {2} the oldest.
  EXPECT_EQ(index.Longest({1, 9}, 1).slot, 10);
  EXPECT_EQ(index.EvictOldest(/*keep=*/11), 12);
  EXPECT_EQ(index.EvictOldest(), 11);
  EXPECT_EQ(index.size(), 1);
  EXPECT_EQ(index.EvictOldest(/*keep=*/10), -1);
  EXPECT_EQ(index.Longest({1, 9}, 1).slot, 10);
  index.Remove(10);
  EXPECT_EQ(index.size(), 0);
  EXPECT_EQ(index.Longest({1, 9}, 1).slot, -1);
  EXPECT_EQ(index.EvictOldest(), -1);
}

TEST(PrefixIndexTest, OneSlotPerSequence) {
  PrefixIndex index;
  EXPECT_EQ(index.Insert({4, 5, 6}, 3), -1);
  // The same tokens again: the new slot is handed back to be released.
  EXPECT_EQ(index.Insert({4, 5, 6}, 8), 8);
  EXPECT_EQ(index.size(), 1);
  EXPECT_EQ(index.Longest({4, 5, 6, 7}, 3).slot, 3);
  index.Remove(8);  // not an entry: nothing happens
  EXPECT_EQ(index.size(), 1);
}

}  // namespace
}  // namespace arts::model
