// Tests of the order in which a CallQueue hands calls to its scheduler: the
// earliest Solve deadline, then the oldest Solve, then the oldest call. No
// model.

#include "core/backend/call_queue.h"

#include <memory>
#include <string>
#include <vector>

#include "gtest/gtest.h"

namespace arts::backend {
namespace {

struct FakeCall {
  std::string name;
  absl::Time deadline = absl::InfiniteFuture();
  bool Cancelled() const { return false; }
  absl::Time Deadline() const { return deadline; }
  int Weight() const { return 1; }
  void Fail(absl::Status) {}
};

void Push(CallQueue<FakeCall>& queue, const std::string& name, SolveTimes solve,
          absl::Time deadline = absl::InfiniteFuture()) {
  auto call = std::make_unique<FakeCall>();
  call->name = name;
  call->deadline = deadline;
  ASSERT_TRUE(queue.Push(call, solve).ok());
}

std::vector<std::string> TakeAll(CallQueue<FakeCall>& queue) {
  std::vector<std::string> names;
  for (const auto& call : queue.Take([](const FakeCall&) { return true; })) {
    names.push_back(call->name);
  }
  return names;
}

TEST(CallQueueTest, ServesTheEarliestDeadlineThenTheOldestSolve) {
  CallQueue<FakeCall> queue(QueueLimits{});
  const absl::Time now = absl::Now();
  const absl::Time late = now + absl::Seconds(60);
  // A new Solve's first round, then an older Solve's later round, under the
  // same deadline: the older Solve goes first.
  Push(queue, "new search", {now, late});
  Push(queue, "old search", {now - absl::Seconds(5), late});
  // A Solve that must end sooner goes before both.
  Push(queue, "urgent", {now, now + absl::Seconds(10)});
  // No deadline at all goes last; ties keep the order of arrival.
  Push(queue, "patient 1", {now - absl::Seconds(9), absl::InfiniteFuture()});
  Push(queue, "patient 2", {now - absl::Seconds(9), absl::InfiniteFuture()});
  EXPECT_EQ(TakeAll(queue),
            (std::vector<std::string>{"urgent", "old search", "new search",
                                      "patient 1", "patient 2"}));
}

TEST(CallQueueTest, CallsThatSayNothingOfTheirSolveUseTheirOwnTimes) {
  CallQueue<FakeCall> queue(QueueLimits{});
  const absl::Time now = absl::Now();
  // Unknown Solve: the call's own deadline and its arrival now.
  Push(queue, "bare, later deadline", {}, now + absl::Seconds(30));
  Push(queue, "bare, sooner deadline", {}, now + absl::Seconds(20));
  Push(queue, "old Solve", {now - absl::Seconds(1), now + absl::Seconds(30)});
  EXPECT_EQ(TakeAll(queue),
            (std::vector<std::string>{"bare, sooner deadline", "old Solve",
                                      "bare, later deadline"}));
}

TEST(CallQueueTest, TakeStopsAtTheFirstCallThatDoesNotFit) {
  CallQueue<FakeCall> queue(QueueLimits{});
  const absl::Time now = absl::Now();
  Push(queue, "b", {now - absl::Seconds(1), absl::InfiniteFuture()});
  Push(queue, "a", {now - absl::Seconds(2), absl::InfiniteFuture()});
  Push(queue, "c", {now, absl::InfiniteFuture()});
  int room = 2;
  std::vector<std::string> names;
  for (const auto& call :
       queue.Take([&](const FakeCall&) { return room-- > 0; })) {
    names.push_back(call->name);
  }
  EXPECT_EQ(names, (std::vector<std::string>{"a", "b"}));
  EXPECT_EQ(queue.depth(), 1);
  EXPECT_EQ(TakeAll(queue), (std::vector<std::string>{"c"}));
}

}  // namespace
}  // namespace arts::backend
