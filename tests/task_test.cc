// The Task interface: Countdown and the opaque `text` task.
#include "core/task/task.h"

#include <string>

#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace arts::task {
namespace {

using ::testing::HasSubstr;

TEST(TaskTest, RegistryKnowsCountdownAndTextAndNamesTheUnknown) {
  EXPECT_EQ(FindTask("")->name(), "countdown");
  EXPECT_EQ(FindTask("countdown")->name(), "countdown");
  EXPECT_EQ(FindTask("text")->name(), "text");
  EXPECT_EQ(FindTask("chess"), nullptr);
  absl::StatusOr<const Task*> unknown = TaskOrError("chess");
  EXPECT_EQ(unknown.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(unknown.status().message(),
              HasSubstr("task: unknown task 'chess' (known: countdown, text)"));
}

TEST(TaskTest, CountdownChecksStepsEndsAndRewards) {
  const Task& task = *FindTask("countdown");
  const std::string problem = "4 9 10 13 -> 24";
  EXPECT_TRUE(task.CheckProblem(problem).ok());
  EXPECT_FALSE(task.CheckProblem("4 9 -> ").ok());
  const std::vector<std::string> solved = {"13 - 9 = 4 (left: 4 4 10)",
                                           "10 - 4 = 6 (left: 4 6)",
                                           "4 * 6 = 24 (left: 24)"};
  TraceCheck check = task.CheckTrace(problem, solved);
  EXPECT_TRUE(check.legal);
  EXPECT_TRUE(check.knows_end);
  EXPECT_TRUE(check.terminal);
  EXPECT_EQ(check.final_answer, "24");
  EXPECT_EQ(*task.Reward(problem, solved), 1.0);
  check = task.CheckTrace(problem, {"13 - 9 = 5 (left: 4 5 10)"});
  EXPECT_FALSE(check.legal);
  EXPECT_EQ(check.illegal_step, 0);
  EXPECT_EQ(*task.Reward(problem, {"13 - 9 = 4 (left: 4 4 10)"}), 0.0);
  EXPECT_TRUE(task.AnswersEqual(" 24", "24"));
  EXPECT_FALSE(task.AnswersEqual("24", "23"));
  absl::StatusOr<std::string> step = task.CompleteStep(problem, {}, "13 - 9 =");
  ASSERT_TRUE(step.ok()) << step.status();
  EXPECT_EQ(*step, "13 - 9 = 4 (left: 4 4 10)");
  EXPECT_FALSE(task.CompleteStep(problem, {}, "13 - 2 =").ok());
}

TEST(TaskTest, TextTreatsStepsAsOpaqueAndNormalizesAnswers) {
  const Task& task = *FindTask("text");
  EXPECT_TRUE(task.CheckProblem("What is 6 times 7?").ok());
  EXPECT_EQ(task.CheckProblem("  \n").code(),
            absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(task.CheckProblem(std::string(20 * 1024, 'x')).message(),
              HasSubstr("at most"));
  TraceCheck check = task.CheckTrace("q", {"anything at all", "42"});
  EXPECT_TRUE(check.legal);
  EXPECT_FALSE(check.knows_end);  // the generator says where a trace ends
  check = task.CheckTrace("q", {"ok", "two\nlines"});
  EXPECT_FALSE(check.legal);
  EXPECT_EQ(check.illegal_step, 1);
  EXPECT_TRUE(task.AnswersEqual("  Forty  Two ", "forty two"));
  EXPECT_FALSE(task.AnswersEqual("forty two", "fortytwo"));
  EXPECT_EQ(task.Reward("q", {}).status().code(),
            absl::StatusCode::kFailedPrecondition);
  EXPECT_EQ(task.CompleteStep("q", {}, "x").status().code(),
            absl::StatusCode::kUnimplemented);
}

TEST(TaskTest, CheckAnswerPassesOrFailsCountdownAndCannotCheckText) {
  const Task& countdown = *FindTask("countdown");
  const std::string problem = "4 9 10 13 -> 24";
  const std::vector<std::string> start = {"13 - 9 = 4 (left: 4 4 10)",
                                          "10 - 4 = 6 (left: 4 6)"};
  std::vector<std::string> right = start, wrong = start;
  right.push_back("4 * 6 = 24 (left: 24)");
  wrong.push_back("4 + 6 = 10 (left: 10)");
  EXPECT_EQ(countdown.CheckAnswer(problem, right), true);
  EXPECT_EQ(countdown.CheckAnswer(problem, wrong), false);
  // Not finished, illegal, or not a problem: no passing answer either.
  EXPECT_EQ(countdown.CheckAnswer(problem, start), false);
  EXPECT_EQ(countdown.CheckAnswer(problem, {"13 - 9 = 5 (left: 4 5 10)"}),
            false);
  EXPECT_EQ(countdown.CheckAnswer("4 9 x -> 24", right), false);
  // A task without a checker cannot say.
  EXPECT_EQ(FindTask("text")->CheckAnswer("q", {"42"}), std::nullopt);
}

}  // namespace
}  // namespace arts::task
