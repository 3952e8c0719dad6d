// The compute-thread setting holds on whichever thread runs the model: a
// thread started after the setting (as gRPC starts its workers) gets it at
// its first model call, not only the thread that made it.
#include "core/model/compute_threads.h"

#include <thread>

#include "core/model/generator.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "tests/tiny_models.h"

namespace arts::model {
namespace {

using ::testing::HasSubstr;

// What a fresh thread uses after running `work`.
template <typename Work>
ComputeThreads OnANewThread(const Work& work) {
  ComputeThreads seen;
  std::thread thread([&] {
    work();
    seen = CurrentComputeThreads();
  });
  thread.join();
  return seen;
}

TEST(ComputeThreadsTest, SettingReachesThreadsStartedLater) {
  // Three is neither this machine's core count nor OpenMP's default, so a
  // thread that did not get the setting shows another number.
  ASSERT_TRUE(SetComputeThreads(3).ok());
  EXPECT_EQ(CurrentComputeThreads().intra_op, 3);
  const ComputeThreads applied = OnANewThread(UseComputeThreadsOnThisThread);
  EXPECT_EQ(applied.intra_op, 3);
  // OpenBLAS's pool is one per process (0: not OpenBLAS; setup.sh installs
  // libopenblas0-pthread, which LibTorch then uses).
  EXPECT_THAT(applied.openblas, ::testing::AnyOf(0, 3));
  // A changed setting reaches a thread that had applied the old one.
  ASSERT_TRUE(SetComputeThreads(1).ok());
  EXPECT_EQ(OnANewThread(UseComputeThreadsOnThisThread).intra_op, 1);
}

TEST(ComputeThreadsTest, ModelWorkAppliesItOnItsThread) {
  ASSERT_TRUE(SetComputeThreads(3).ok());
  Generator generator(testing_support::MakeTinyTransformer(5), {});
  const ComputeThreads seen = OnANewThread([&] {
    ProposeRequest request;
    request.problem = "4 9 10 13 -> 24";
    request.num_candidates = 2;
    ASSERT_TRUE(generator.Propose(request, [](Candidate) {}).ok());
  });
  EXPECT_EQ(seen.intra_op, 3);
}

TEST(ComputeThreadsTest, OutOfRangeIsNamed) {
  EXPECT_THAT(SetComputeThreads(0).message(), HasSubstr("threads: must be 1"));
  EXPECT_FALSE(SetComputeThreads(kMaxComputeThreads + 1).ok());
}

}  // namespace
}  // namespace arts::model
