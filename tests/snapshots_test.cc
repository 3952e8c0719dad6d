#include "core/training/snapshots.h"

#include <string>

#include "gtest/gtest.h"
#include "tests/test_support.h"

namespace arts::training {
namespace {

using ::arts::testing_support::TempDir;
using ::arts::testing_support::WriteFile;

TEST(SnapshotsTest, TheNewestSnapshotWithinTheRunIsResumed) {
  TempDir dir("snapshots_test");
  const std::string output = dir.File("model.ckpt");
  EXPECT_EQ(SnapshotPath(output, 50), output + ".step50");
  EXPECT_EQ(NewestSnapshot(output, 200).step, 0);
  EXPECT_EQ(NewestSnapshot(output, 200).path, "");
  WriteFile(SnapshotPath(output, 50), "x");
  WriteFile(SnapshotPath(output, 100), "x");
  WriteFile(SnapshotPath(output, 300), "x");  // of a longer run
  const Snapshot newest = NewestSnapshot(output, 200);
  EXPECT_EQ(newest.step, 100);
  EXPECT_EQ(newest.path, output + ".step100");
  EXPECT_EQ(NewestSnapshot(output, 99).step, 50);
}

}  // namespace
}  // namespace arts::training
