// The OpenAI-compatible backend's parts that need no server: the request
// and response JSON (backends/openai/completions_api.h), the answer rule,
// and how a choice's text becomes steps (choice_steps.h).
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "backends/openai/answer_rule.h"
#include "backends/openai/choice_steps.h"
#include "backends/openai/completions_api.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace arts::backends::openai {
namespace {

using ::testing::HasSubstr;

TEST(CompletionsApiTest, RequestCarriesWhatWasSetAndOnlyThat) {
  CompletionRequest request;
  request.model = "m";
  request.prompt = "spell ab\n";
  request.n = 3;
  request.max_tokens = 9;
  request.temperature = 0.5;
  request.seed = 42;
  request.stop = {"\n"};
  nlohmann::json body = nlohmann::json::parse(ToJson(request));
  EXPECT_EQ(body["model"], "m");
  EXPECT_EQ(body["prompt"], "spell ab\n");
  EXPECT_EQ(body["n"], 3);
  EXPECT_EQ(body["max_tokens"], 9);
  EXPECT_EQ(body["seed"], 42);
  EXPECT_EQ(body["stop"], nlohmann::json::array({"\n"}));
  EXPECT_EQ(body["logprobs"], 1);
  EXPECT_EQ(body["stream"], false);
  EXPECT_FALSE(body.contains("top_k"));  // 0: off, not sent
  request.stop.clear();
  request.seed.reset();
  request.top_k = 4;
  body = nlohmann::json::parse(ToJson(request));
  EXPECT_FALSE(body.contains("stop"));
  EXPECT_FALSE(body.contains("seed"));
  EXPECT_EQ(body["top_k"], 4);
  // Bytes that are not UTF-8 do not throw; they are replaced.
  request.prompt = std::string(
      "a\xff"
      "b");
  EXPECT_NO_THROW(nlohmann::json::parse(ToJson(request)));
}

TEST(CompletionsApiTest, ReadsChoicesLogprobsAndUsage) {
  const std::string body = R"({
    "choices": [
      {"index": 1, "text": "letter b", "finish_reason": "stop",
       "stop_reason": "\n",
       "logprobs": {"tokens": ["letter", " b"], "token_logprobs": [null, -1.5],
                    "text_offset": [10, 16]}},
      {"index": 0, "text": "answer: AB", "finish_reason": "stop",
       "stop_reason": null, "logprobs": null}
    ],
    "usage": {"prompt_tokens": 3, "completion_tokens": 5}})";
  absl::StatusOr<CompletionResponse> response = ParseCompletionResponse(body);
  ASSERT_TRUE(response.ok()) << response.status();
  ASSERT_EQ(response->choices.size(), 2u);
  const CompletionChoice& first = response->choices[0];
  EXPECT_EQ(first.index, 1);
  EXPECT_EQ(first.text, "letter b");
  EXPECT_FALSE(first.ended_by_model);
  EXPECT_EQ(first.token_logprobs, (std::vector<double>{0, -1.5}));
  EXPECT_EQ(first.text_offsets, (std::vector<int64_t>{10, 16}));
  EXPECT_TRUE(response->choices[1].ended_by_model);
  EXPECT_TRUE(response->choices[1].token_logprobs.empty());
  EXPECT_EQ(response->completion_tokens, 5);
}

TEST(CompletionsApiTest, MalformedResponsesAreNamed) {
  for (const auto& [body, message] :
       std::vector<std::pair<std::string, std::string>>{
           {"", "not JSON"},
           {"[1]", "not a JSON object"},
           {"{}", "no choices array"},
           {R"({"choices": [7]})", "choices[0] is not an object"},
           {R"({"choices": [{"index": 0}]})", "choices[0].text"},
           {R"({"choices": [{"text": "x", "logprobs": {"token_logprobs":
              ["a"]}}]})",
            "holds a non-number"},
       }) {
    SCOPED_TRACE(body);
    absl::StatusOr<CompletionResponse> response = ParseCompletionResponse(body);
    EXPECT_EQ(response.status().code(), absl::StatusCode::kInternal);
    EXPECT_THAT(response.status().message(), HasSubstr(message));
  }
}

TEST(CompletionsApiTest, ErrorMessagesOfEitherShape) {
  EXPECT_EQ(ErrorMessageOf(R"({"error": {"message": "bad key"}})"), "bad key");
  EXPECT_EQ(ErrorMessageOf(R"({"object": "error", "message": "no model"})"),
            "no model");
  EXPECT_EQ(ErrorMessageOf("Bad Gateway"), "Bad Gateway");
  EXPECT_EQ(ErrorMessageOf(std::string(1000, 'x')).size(), 200u);
}

TEST(AnswerRuleTest, TheGroupIsTheAnswerAndBadPatternsAreRefused) {
  absl::StatusOr<AnswerRule> rule = AnswerRule::Make(R"((?i)answer:\s*(.+))");
  ASSERT_TRUE(rule.ok());
  EXPECT_EQ(rule->FinalAnswer("So the Answer:  42 "), "42");
  EXPECT_EQ(rule->FinalAnswer("letter a"), std::nullopt);
  absl::StatusOr<AnswerRule> whole = AnswerRule::Make(R"(\d+ = 24)");
  ASSERT_TRUE(whole.ok());
  EXPECT_EQ(whole->FinalAnswer("4 * 6 = 24"), "6 = 24");
  EXPECT_THAT(AnswerRule::Make("(a)(b)").status().message(),
              HasSubstr("at most one capturing group"));
  EXPECT_THAT(AnswerRule::Make("(a").status().message(),
              HasSubstr("not a regular expression"));
}

class ChoiceStepsTest : public ::testing::Test {
 protected:
  StepText Rule() const { return StepText{"\n", &rule_, 16, 64}; }

  static CompletionChoice Choice(std::string text, std::string finish,
                                 bool ended = false) {
    CompletionChoice c;
    c.text = std::move(text);
    c.finish_reason = std::move(finish);
    c.ended_by_model = ended;
    return c;
  }

  AnswerRule rule_ = *AnswerRule::Make(R"((?i)answer:\s*(.+))");
};

TEST_F(ChoiceStepsTest, AStepIsTheTextBeforeTheDelimiter) {
  backend::Candidate c;
  CompletionChoice choice = Choice("letter a", "stop");
  choice.token_logprobs = {-0.5, -1.0};
  AppendStep(choice, 99, Rule(), c);
  EXPECT_EQ(c.steps, std::vector<std::string>{"letter a"});
  EXPECT_TRUE(c.valid);
  EXPECT_FALSE(c.terminal);
  EXPECT_DOUBLE_EQ(c.logprob, -1.5);
  EXPECT_EQ(c.num_tokens, 2);  // from the logprobs, not the usage share
  // A server that keeps the stop string in the text.
  AppendStep(Choice("answer: AB\n", "stop"), 3, Rule(), c);
  EXPECT_EQ(c.steps.back(), "answer: AB");
  EXPECT_TRUE(c.terminal);
  EXPECT_EQ(c.final_answer, "AB");
  EXPECT_EQ(c.num_tokens, 5);  // no logprobs: the usage share
}

TEST_F(ChoiceStepsTest, CutOffBlankAndEndedStepsAreMarked) {
  backend::Candidate cut;
  AppendStep(Choice("letter a letter b", "length"), 16, Rule(), cut);
  EXPECT_FALSE(cut.valid);
  EXPECT_THAT(cut.invalid_reason, HasSubstr("within 16 tokens"));
  backend::Candidate blank;
  AppendStep(Choice("  ", "stop"), 1, Rule(), blank);
  EXPECT_FALSE(blank.valid);
  EXPECT_EQ(blank.invalid_reason, "a blank step");
  backend::Candidate ended;
  AppendStep(Choice("i give up", "stop", /*ended=*/true), 3, Rule(), ended);
  EXPECT_TRUE(ended.valid);
  EXPECT_TRUE(ended.terminal);  // complete, without an answer
  EXPECT_EQ(ended.final_answer, "");
  backend::Candidate nothing;
  AppendStep(Choice("", "stop", /*ended=*/true), 0, Rule(), nothing);
  EXPECT_FALSE(nothing.valid);
  EXPECT_THAT(nothing.invalid_reason, HasSubstr("without a step"));
}

TEST_F(ChoiceStepsTest, AWholeTraceEndsAtItsAnswerAndCountsTokensToIt) {
  backend::Candidate c;
  CompletionChoice choice =
      Choice("letter a\n\nletter b\nanswer: AB\nmore text", "stop");
  // One token per line and one per newline, offsets from the prompt's end.
  const std::vector<std::pair<std::string, double>> tokens = {
      {"letter a", -1}, {"\n", 0},        {"\n", 0},
      {"letter b", -2}, {"\n", 0},        {"answer: AB", -0.5},
      {"\n", -9},       {"more text", -9}};
  int64_t offset = 100;
  for (const auto& [text, logprob] : tokens) {
    choice.token_logprobs.push_back(logprob);
    choice.text_offsets.push_back(offset);
    offset += static_cast<int64_t>(text.size());
  }
  ReadWholeTrace(choice, 0, Rule(), c);
  EXPECT_EQ(c.steps,
            (std::vector<std::string>{"letter a", "letter b", "answer: AB"}));
  EXPECT_TRUE(c.terminal);
  EXPECT_EQ(c.final_answer, "AB");
  EXPECT_DOUBLE_EQ(c.logprob, -3.5);  // not the tokens after the answer
  EXPECT_EQ(c.num_tokens, 6);
}

TEST_F(ChoiceStepsTest, AWholeTraceWithoutAnAnswerEndsOrIsCutOff) {
  backend::Candidate ended;
  ReadWholeTrace(Choice("letter a\nletter b\n", "stop"), 6, Rule(), ended);
  EXPECT_EQ(ended.steps.size(), 2u);
  EXPECT_TRUE(ended.terminal);
  EXPECT_EQ(ended.final_answer, "");
  EXPECT_EQ(ended.num_tokens, 6);
  backend::Candidate cut;
  ReadWholeTrace(Choice("letter a\nletter b", "length"), 64, Rule(), cut);
  EXPECT_FALSE(cut.valid);
  EXPECT_THAT(cut.invalid_reason, HasSubstr("within 64 tokens"));
  backend::Candidate empty;
  ReadWholeTrace(Choice("\n\n", "stop"), 2, Rule(), empty);
  EXPECT_FALSE(empty.valid);
}

}  // namespace
}  // namespace arts::backends::openai
