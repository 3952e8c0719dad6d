// The OpenAI-compatible front door's request and response mapping, without
// a server (the SDK suite, tests/openai_sdk/, runs it against real ones).
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "absl/strings/str_split.h"
#include "server/http/http_listener.h"
#include "server/openai/openai_request.h"
#include "server/openai/openai_response.h"

namespace arts::openai {
namespace {

using nlohmann::json;
using ::testing::HasSubstr;

TEST(OpenAiRequestTest, ChatRequestBecomesASolve) {
  absl::StatusOr<SearchCall> call =
      ParseSearchCall(Api::kChatCompletions,
                      R"({"model": "beam", "messages": [
            {"role": "system", "content": "be brief"},
            {"role": "user", "content": "earlier"},
            {"role": "assistant", "content": "reply"},
            {"role": "user", "content": [{"type": "text", "text": "4 9 "},
                                         {"type": "text", "text": "10 13 -> 24"}]}],
          "n": 3, "seed": 7, "temperature": 0.5, "top_p": 0.9,
          "max_completion_tokens": 512, "stream": true,
          "stream_options": {"include_usage": true}, "user": "u1",
          "arts": {"beam_width": 4, "aggregation": "min", "constrained": true,
                   "max_expansions": 9, "task": "countdown",
                   "deadline_ms": 1500, "flow_tilted": true,
                   "stop_confidence": 0.5}})");
  ASSERT_TRUE(call.ok()) << call.status();
  EXPECT_EQ(call->model, "beam");
  EXPECT_EQ(call->solve.strategy(), arts::v1::BEAM);
  EXPECT_EQ(call->solve.problem(), "4 9 10 13 -> 24");
  EXPECT_EQ(call->solve.top_n(), 3);
  EXPECT_EQ(call->solve.seed(), 7u);
  EXPECT_DOUBLE_EQ(call->solve.temperature(), 0.5);
  EXPECT_DOUBLE_EQ(call->solve.top_p(), 0.9);
  EXPECT_EQ(call->solve.budget().max_tokens(), 512);
  EXPECT_EQ(call->solve.budget().max_expansions(), 9);
  EXPECT_EQ(call->solve.params().beam_width(), 4);
  EXPECT_EQ(call->solve.params().aggregation(), arts::v1::MIN);
  EXPECT_TRUE(call->solve.params().flow_tilted());
  EXPECT_DOUBLE_EQ(call->solve.params().stop_confidence(), 0.5);
  EXPECT_TRUE(call->solve.constrained());
  EXPECT_EQ(call->solve.task(), "countdown");
  EXPECT_TRUE(call->stream);
  EXPECT_TRUE(call->include_usage);
  EXPECT_EQ(call->deadline, absl::Milliseconds(1500));
}

TEST(OpenAiRequestTest, CompletionRequestAndDefaults) {
  absl::StatusOr<SearchCall> call = ParseSearchCall(
      Api::kCompletions,
      R"({"model": "Best_Of_N", "prompt": ["1 2 3 4 -> 24"], "logprobs": null,
          "stop": null, "max_tokens": null, "echo": false})");
  ASSERT_TRUE(call.ok()) << call.status();
  EXPECT_EQ(call->solve.strategy(), arts::v1::BEST_OF_N);
  EXPECT_EQ(call->solve.problem(), "1 2 3 4 -> 24");
  EXPECT_FALSE(call->solve.has_temperature());
  EXPECT_FALSE(call->solve.budget().has_max_tokens());
  EXPECT_EQ(call->solve.top_n(), 0);  // the server's default: 1
  EXPECT_FALSE(call->stream);
  EXPECT_FALSE(call->deadline.has_value());
}

TEST(OpenAiRequestTest, ModelNamesAreTheStrategies) {
  EXPECT_THAT(ModelNames(),
              ::testing::ElementsAre("best-of-n", "weighted-vote",
                                     "majority-vote", "beam", "arts", "dvts"));
  for (const std::string& name : ModelNames()) {
    EXPECT_TRUE(StrategyOfModel(name).ok()) << name;
  }
}

struct BadRequest {
  Api api;
  std::string body;
  absl::StatusCode code;
  std::string param;  // empty: none
  std::string says;
};

TEST(OpenAiRequestTest, EveryBadRequestNamesItsField) {
  const Api chat = Api::kChatCompletions;
  const Api text = Api::kCompletions;
  const auto invalid = absl::StatusCode::kInvalidArgument;
  const std::string user = R"("messages": [{"role": "user", "content": "p"}])";
  const std::vector<BadRequest> rows = {
      {chat, "", invalid, "", "not valid JSON"},
      {chat, "{\"model\": ", invalid, "", "not valid JSON"},
      {chat, "[1, 2]", invalid, "", "must be a JSON object, got an array"},
      {chat, std::string(100, '[') + std::string(100, ']'), invalid, "",
       "nested deeper"},
      {chat, "{" + user + "}", invalid, "model", "required"},
      {chat, R"({"model": 5, )" + user + "}", invalid, "model",
       "expected a string, got an integer"},
      {chat, R"({"model": "gpt-4o", )" + user + "}",
       absl::StatusCode::kNotFound, "model", "does not exist"},
      {chat, R"({"model": "arts"})", invalid, "messages", "required"},
      {chat, R"({"model": "arts", "messages": {}})", invalid, "messages",
       "expected an array"},
      {chat, R"({"model": "arts", "messages": []})", invalid, "messages",
       "at least"},
      {chat, R"({"model": "arts", "messages": [3]})", invalid, "messages[0]",
       "expected an object"},
      {chat, R"({"model": "arts", "messages": [{"content": "p"}]})", invalid,
       "messages[0].role", "required"},
      {chat,
       R"({"model": "arts", "messages": [{"role": "user", "content": "p"},
                                         {"role": "assistant", "content": "x"}]})",
       invalid, "messages[1].role", "last message must be the user's"},
      {chat, R"({"model": "arts", "messages": [{"role": "user"}]})", invalid,
       "messages[0].content", "required"},
      {chat,
       R"({"model": "arts", "messages": [{"role": "user", "content": 5}]})",
       invalid, "messages[0].content", "expected a string or an array"},
      {chat,
       R"({"model": "arts", "messages": [{"role": "user", "content":
           [{"type": "image_url", "image_url": {"url": "x"}}]}]})",
       invalid, "messages[0].content[0]", "only text parts"},
      {text, R"({"model": "arts"})", invalid, "prompt", "required"},
      {text, R"({"model": "arts", "prompt": ["a", "b"]})", invalid, "prompt",
       "one prompt per request"},
      {text, R"({"model": "arts", "prompt": 7})", invalid, "prompt",
       "expected a string"},
      {chat, R"({"model": "arts", "n": 0, )" + user + "}", invalid, "n",
       "must be 1 to 64, got 0"},
      {chat, R"({"model": "arts", "n": 1.5, )" + user + "}", invalid, "n",
       "expected an integer, got a number"},
      {chat, R"({"model": "arts", "seed": -1, )" + user + "}", invalid, "seed",
       "must be 0 to"},
      {chat, R"({"model": "arts", "temperature": "hot", )" + user + "}",
       invalid, "temperature", "expected a number, got a string"},
      {chat, R"({"model": "arts", "temperature": 11, )" + user + "}", invalid,
       "temperature", "must be 0 to 10"},
      {chat, R"({"model": "arts", "top_p": 2, )" + user + "}", invalid, "top_p",
       "must be 0 to 1"},
      {chat, R"({"model": "arts", "max_tokens": -5, )" + user + "}", invalid,
       "max_tokens", "must be 0 to"},
      {chat,
       R"({"model": "arts", "max_tokens": 5, "max_completion_tokens": 6, )" +
           user + "}",
       invalid, "max_tokens", "differ"},
      {chat, R"({"model": "arts", "stream": "yes", )" + user + "}", invalid,
       "stream", "expected a boolean"},
      {chat,
       R"({"model": "arts", "stream_options": {"include_usage": true}, )" +
           user + "}",
       invalid, "stream_options", "only allowed when stream is true"},
      {chat,
       R"({"model": "arts", "stream": true, "stream_options": {"x": 1}, )" +
           user + "}",
       invalid, "stream_options.x", "unknown field"},
      {chat, R"({"model": "arts", "stop": ["\n"], )" + user + "}", invalid,
       "stop", "not supported"},
      {chat, R"({"model": "arts", "logprobs": true, )" + user + "}", invalid,
       "logprobs", "not supported"},
      {chat, R"({"model": "arts", "tools": [], )" + user + "}", invalid,
       "tools", "unknown field"},
      {chat, R"({"model": "arts", "arts": 5, )" + user + "}", invalid, "arts",
       "expected an object"},
      {chat, R"({"model": "arts", "arts": {"bogus": 1}, )" + user + "}",
       invalid, "arts.bogus", "unknown field"},
      {chat, R"({"model": "arts", "arts": {"beam_width": "4"}, )" + user + "}",
       invalid, "arts.beam_width", "expected an integer, got a string"},
      {chat,
       R"({"model": "arts", "arts": {"aggregation": "max"}, )" + user + "}",
       invalid, "arts.aggregation", "unknown 'max'"},
      {chat, R"({"model": "arts", "arts": {"deadline_ms": 0}, )" + user + "}",
       invalid, "arts.deadline_ms", "must be 1 to"},
      {chat, R"({"model": "arts", "arts": {"constrained": 1}, )" + user + "}",
       invalid, "arts.constrained", "expected a boolean"},
      {chat,
       R"({"model": "arts", "max_tokens": 5, "arts": {"max_tokens": 6}, )" +
           user + "}",
       invalid, "arts.max_tokens", "differs from max_tokens"},
  };
  for (const BadRequest& row : rows) {
    SCOPED_TRACE(row.body);
    absl::StatusOr<SearchCall> call = ParseSearchCall(row.api, row.body);
    ASSERT_FALSE(call.ok());
    EXPECT_EQ(call.status().code(), row.code) << call.status();
    EXPECT_EQ(ParamOf(call.status(), row.api), row.param) << call.status();
    EXPECT_THAT(std::string(call.status().message()), HasSubstr(row.says));
    const ApiError error = ErrorFor(call.status(), row.api);
    EXPECT_EQ(error.http_status,
              row.code == absl::StatusCode::kNotFound ? 404 : 400);
    const json body = json::parse(ErrorBody(error));
    EXPECT_EQ(body["error"]["message"], std::string(call.status().message()));
    if (row.param.empty()) {
      EXPECT_TRUE(body["error"]["param"].is_null());
    } else {
      EXPECT_EQ(body["error"]["param"], row.param);
    }
  }
}

TEST(OpenAiRequestTest, SearchErrorsNameTheRequestField) {
  const auto param = [](const std::string& message, Api api) {
    return ParamOf(absl::InvalidArgumentError(message), api);
  };
  EXPECT_EQ(param("beam_width: must be 1 to 64, got 0", Api::kCompletions),
            "arts.beam_width");
  EXPECT_EQ(param("params.aggregation: unknown value 9", Api::kCompletions),
            "arts.aggregation");
  EXPECT_EQ(param("top_n: must be 1 to 64, got 90", Api::kCompletions), "n");
  EXPECT_EQ(param("problem: expected N numbers", Api::kChatCompletions),
            "messages");
  EXPECT_EQ(param("problem: expected N numbers", Api::kCompletions), "prompt");
  EXPECT_EQ(param("temperature: must be 0 to 10", Api::kCompletions),
            "temperature");
  EXPECT_EQ(param("no field here", Api::kCompletions), "");
  EXPECT_EQ(ParamOf(absl::UnavailableError("x: down"), Api::kCompletions), "");
}

TEST(OpenAiResponseTest, StatusCodesMapToHttp) {
  const std::vector<std::pair<absl::Status, int>> rows = {
      {absl::InvalidArgumentError("x"), 400},
      {absl::UnauthenticatedError("x"), 401},
      {absl::PermissionDeniedError("x"), 403},
      {absl::NotFoundError("x"), 404},
      {absl::DeadlineExceededError("x"), 504},
      {absl::ResourceExhaustedError("x"), 429},
      {absl::UnavailableError("x"), 503},
      {absl::InternalError("x"), 500},
      {absl::UnknownError("x"), 500},
  };
  for (const auto& [status, http] : rows) {
    const ApiError error = ErrorFor(status, Api::kChatCompletions);
    EXPECT_EQ(error.http_status, http) << status;
    EXPECT_FALSE(error.type.empty());
  }
  EXPECT_EQ(ErrorFor(absl::UnauthenticatedError("x"), Api::kCompletions).code,
            "invalid_api_key");
}

arts::v1::SolveResponse TwoAnswers() {
  arts::v1::SolveResponse response;
  arts::v1::Answer* best = response.add_answers();
  best->add_steps("13 - 9 = 4 (left: 4 4 10)");
  best->add_steps("10 - 4 = 6 (left: 4 6)");
  best->add_steps("4 * 6 = 24 (left: 24)");
  best->set_final_value("24");
  best->set_score(-0.25);
  best->add_step_log_flows(0);
  best->add_step_log_flows(-std::numeric_limits<double>::infinity());
  best->set_terminal(true);
  best->set_check(arts::v1::CHECK_PASSED);
  arts::v1::Answer* second = response.add_answers();
  second->add_steps("4 + 9 = 13 (left: 10 13 13)");
  second->set_final_value("36");
  second->set_terminal(false);
  second->set_check(arts::v1::CHECK_FAILED);
  response.mutable_cost()->set_tokens_generated(181);
  response.mutable_cost()->set_expansions(6);
  response.set_strategy("arts");
  response.set_stop_reason("done");
  response.set_verified(true);
  return response;
}

TEST(OpenAiResponseTest, ChatCompletionCarriesAnswersUsageAndReceipt) {
  SearchCall call;
  call.api = Api::kChatCompletions;
  call.model = "arts";
  const CallIdentity identity = NewIdentity(call);
  EXPECT_THAT(identity.id, ::testing::StartsWith("chatcmpl-"));
  const json body = json::parse(CompletionBody(call, identity, TwoAnswers()));
  EXPECT_EQ(body["object"], "chat.completion");
  EXPECT_EQ(body["model"], "arts");
  ASSERT_EQ(body["choices"].size(), 2u);
  const json& first = body["choices"][0];
  EXPECT_EQ(first["index"], 0);
  EXPECT_EQ(first["finish_reason"], "stop");
  EXPECT_EQ(first["message"]["role"], "assistant");
  EXPECT_EQ(first["message"]["content"],
            "13 - 9 = 4 (left: 4 4 10)\n10 - 4 = 6 (left: 4 6)\n"
            "4 * 6 = 24 (left: 24)\nAnswer: 24");
  EXPECT_EQ(first["arts"]["answer"], "24");
  EXPECT_EQ(first["arts"]["check"], "passed");
  EXPECT_DOUBLE_EQ(first["arts"]["score"].get<double>(), -0.25);
  EXPECT_TRUE(first["arts"]["step_log_flows"][1].is_null());  // -inf
  EXPECT_EQ(body["choices"][1]["finish_reason"], "length");
  EXPECT_EQ(body["choices"][1]["arts"]["check"], "failed");
  EXPECT_EQ(body["usage"]["completion_tokens"], 181);
  EXPECT_EQ(body["usage"]["total_tokens"], 181);
  EXPECT_EQ(body["arts_cost"]["tokens_generated"], 181);
  EXPECT_EQ(body["arts_cost"]["stop_reason"], "done");
  EXPECT_EQ(body["arts_cost"]["verified"], true);
}

TEST(OpenAiResponseTest, NoAnswerIsOneEmptyChoice) {
  SearchCall call;
  call.api = Api::kCompletions;
  call.model = "beam";
  arts::v1::SolveResponse response;
  response.set_stop_reason("token budget");
  const json body =
      json::parse(CompletionBody(call, NewIdentity(call), response));
  EXPECT_EQ(body["object"], "text_completion");
  ASSERT_EQ(body["choices"].size(), 1u);
  EXPECT_EQ(body["choices"][0]["text"], "");
  EXPECT_EQ(body["choices"][0]["finish_reason"], "length");
  EXPECT_TRUE(body["choices"][0]["arts"].is_null());
}

// The data lines of server-sent events, parsed ([DONE] as a string).
std::vector<json> Events(const std::string& stream) {
  std::vector<json> events;
  for (absl::string_view block : absl::StrSplit(stream, "\n\n")) {
    if (block.empty()) continue;
    EXPECT_TRUE(absl::StartsWith(block, "data: ")) << block;
    const absl::string_view data = block.substr(6);
    events.push_back(data == "[DONE]" ? json("[DONE]") : json::parse(data));
  }
  return events;
}

TEST(OpenAiResponseTest, StreamedChatIsProgressThenDeltasThenUsage) {
  SearchCall call;
  call.api = Api::kChatCompletions;
  call.model = "arts";
  call.stream = true;
  call.include_usage = true;
  const CallIdentity identity = NewIdentity(call);
  arts::v1::SolveEvent expansion;
  expansion.mutable_expansion()->set_frontier(6);
  expansion.mutable_expansion()->mutable_cost()->set_tokens_generated(49);
  const std::vector<json> progress =
      Events(ProgressEvent(call, identity, expansion));
  ASSERT_EQ(progress.size(), 1u);
  EXPECT_EQ(progress[0]["object"], "chat.completion.chunk");
  EXPECT_TRUE(progress[0]["choices"].empty());
  EXPECT_EQ(progress[0]["arts_event"]["type"], "expansion");
  EXPECT_EQ(progress[0]["arts_event"]["frontier"], 6);
  EXPECT_EQ(progress[0]["arts_event"]["cost"]["tokens_generated"], 49);

  const std::vector<json> events =
      Events(FinalEvents(call, identity, TwoAnswers()));
  std::string content[2];
  std::string finish[2];
  int usage_chunks = 0;
  ASSERT_FALSE(events.empty());
  EXPECT_EQ(events.back(), "[DONE]");
  for (const json& event : events) {
    if (event.is_string()) continue;
    EXPECT_EQ(event["id"], identity.id);
    if (event.contains("usage")) {
      ++usage_chunks;
      EXPECT_EQ(event["usage"]["completion_tokens"], 181);
      EXPECT_EQ(event["arts_cost"]["expansions"], 6);
      continue;
    }
    const json& choice = event["choices"][0];
    const int i = choice["index"];
    if (choice["delta"].contains("content")) {
      content[i] += choice["delta"]["content"].get<std::string>();
    }
    if (!choice["finish_reason"].is_null()) finish[i] = choice["finish_reason"];
  }
  EXPECT_EQ(usage_chunks, 1);
  EXPECT_EQ(content[0], AnswerText(TwoAnswers().answers(0)));
  EXPECT_EQ(content[1], AnswerText(TwoAnswers().answers(1)));
  EXPECT_EQ(finish[0], "stop");
  EXPECT_EQ(finish[1], "length");
  EXPECT_EQ(events[0]["choices"][0]["delta"]["role"], "assistant");
}

TEST(OpenAiResponseTest, TreeEventsAreOneChunkPerNodeAndTheTreeComesLast) {
  absl::StatusOr<SearchCall> call = ParseSearchCall(
      Api::kChatCompletions,
      R"({"model": "arts", "stream": true, "arts": {"trace_tree": true},
          "messages": [{"role": "user", "content": "4 9 10 13 -> 24"}]})");
  ASSERT_TRUE(call.ok()) << call.status();
  EXPECT_TRUE(call->solve.trace_tree());
  const CallIdentity identity = NewIdentity(*call);
  arts::v1::SolveEvent event;
  for (int id = 0; id < 3; ++id) {
    arts::v1::TreeEvent* tree = event.mutable_tree()->add_events();
    tree->set_change(id == 0 ? arts::v1::TreeEvent::EXPANDED
                             : arts::v1::TreeEvent::CREATED);
    tree->mutable_node()->set_id(id);
    tree->mutable_node()->set_parent(id - 1);
    tree->mutable_node()->set_state(arts::v1::NODE_OPEN);
    if (id == 2) tree->mutable_node()->set_log_flow(-0.5);
  }
  const std::vector<json> chunks =
      Events(ProgressEvent(*call, identity, event));
  ASSERT_EQ(chunks.size(), 3u);
  EXPECT_EQ(chunks[0]["arts_event"]["type"], "node");
  EXPECT_EQ(chunks[0]["arts_event"]["change"], "expanded");
  EXPECT_EQ(chunks[1]["arts_event"]["change"], "created");
  EXPECT_EQ(chunks[2]["arts_event"]["node"]["id"], 2);
  EXPECT_EQ(chunks[2]["arts_event"]["node"]["parent"], 1);
  EXPECT_DOUBLE_EQ(chunks[2]["arts_event"]["node"]["log_flow"].get<double>(),
                   -0.5);
  EXPECT_FALSE(chunks[1]["arts_event"]["node"].contains("log_flow"));

  arts::v1::SolveResponse response = TwoAnswers();
  response.mutable_tree()->set_version(1);
  response.mutable_tree()->add_nodes()->set_parent(-1);
  const std::vector<json> last = Events(FinalEvents(*call, identity, response));
  bool tree_seen = false;
  for (const json& chunk : last) {
    if (chunk.is_object() && chunk.contains("arts_tree")) {
      tree_seen = true;
      EXPECT_EQ(chunk["arts_tree"]["format"], "arts-search-tree");
      EXPECT_EQ(chunk["arts_tree"]["nodes"].size(), 1u);
    }
  }
  EXPECT_TRUE(tree_seen);
  const json body = json::parse(CompletionBody(*call, identity, response));
  EXPECT_EQ(body["arts_tree"]["version"], 1);
}

TEST(OpenAiResponseTest, StreamedCompletionUsesText) {
  SearchCall call;
  call.api = Api::kCompletions;
  call.model = "arts";
  call.stream = true;
  const std::vector<json> events =
      Events(FinalEvents(call, NewIdentity(call), TwoAnswers()));
  EXPECT_EQ(events[0]["object"], "text_completion");
  EXPECT_EQ(events[0]["choices"][0]["text"], "13 - 9 = 4 (left: 4 4 10)\n");
  for (const json& event : events) EXPECT_FALSE(event.contains("usage"));
}

}  // namespace
}  // namespace arts::openai

namespace arts::http {
namespace {

using ::testing::HasSubstr;

TEST(HttpRequestsTest, ReadAsAConnectionReadsThem) {
  ListenerOptions options;
  options.max_body_bytes = 16;
  const ParsedRequests parsed = ParseRequests(
      "POST /v1/completions?x=1 HTTP/1.1\r\nHost: a\r\nX-Stainless-Timeout: "
      "9\r\nContent-Length: 2\r\n\r\n{}"
      "GET /v1/models HTTP/1.1\r\nAuthorization: Bearer t\r\n\r\n"
      "GET /healthz HTTP/1.0\r\n\r\n"
      "GET /never HTTP/1.1\r\n\r\n",
      options);
  ASSERT_EQ(parsed.requests.size(), 3u);  // HTTP/1.0 closes the connection
  EXPECT_EQ(parsed.requests[0].method, "POST");
  EXPECT_EQ(parsed.requests[0].Path(), "/v1/completions");
  EXPECT_EQ(parsed.requests[0].Header("x-stainless-timeout"), "9");
  EXPECT_EQ(parsed.requests[0].body, "{}");
  EXPECT_EQ(parsed.requests[1].Header("authorization"), "Bearer t");
  EXPECT_EQ(parsed.requests[1].Header("absent"), "");
  EXPECT_EQ(parsed.refusal_status, 0);
}

TEST(HttpRequestsTest, RefusalsSayWhy) {
  ListenerOptions options;
  options.max_body_bytes = 16;
  options.max_header_bytes = 64;
  ParsedRequests parsed =
      ParseRequests("POST / HTTP/1.1\r\nContent-Length: 17\r\n\r\n", options);
  EXPECT_EQ(parsed.refusal_status, 400);
  EXPECT_THAT(parsed.refusal_message,
              HasSubstr("body is over the limit of 16"));
  parsed = ParseRequests(
      "GET / HTTP/1.1\r\nX: " + std::string(100, 'a') + "\r\n\r\n", options);
  EXPECT_THAT(parsed.refusal_message, HasSubstr("headers are over the limit"));
  parsed = ParseRequests("NOT HTTP\r\n\r\n", options);
  EXPECT_EQ(parsed.refusal_status, 400);
  EXPECT_THAT(parsed.refusal_message, HasSubstr("malformed HTTP request"));
  parsed = ParseRequests("POST / HTTP/1.1\r\nContent-Length: 5\r\n\r\n{}",
                         options);  // truncated: the connection just ends
  EXPECT_TRUE(parsed.requests.empty());
  EXPECT_EQ(parsed.refusal_status, 0);
}

}  // namespace
}  // namespace arts::http
