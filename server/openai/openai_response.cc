#include "server/openai/openai_response.h"

#include <atomic>
#include <cmath>
#include <nlohmann/json.hpp>
#include <random>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/time/clock.h"
#include "backends/grpc/search_proto.h"
#include "core/search/search_tree_json.h"

namespace arts::openai {
namespace {

using nlohmann::json;

bool Chat(const SearchCall& call) { return call.api == Api::kChatCompletions; }

json AnswerJson(const arts::v1::Answer& answer) {
  json steps = json::array();
  for (const std::string& step : answer.steps()) steps.push_back(step);
  json flows = json::array();
  for (double f : answer.step_log_flows())
    flows.push_back(search::FiniteOrNull(f));
  return {{"answer", answer.final_value()},
          {"score", search::FiniteOrNull(answer.score())},
          {"steps", steps},
          {"step_log_flows", flows},
          {"logprob", search::FiniteOrNull(answer.logprob())},
          {"votes", answer.votes()},
          {"vote_weight", search::FiniteOrNull(answer.vote_weight())},
          {"terminal", answer.terminal()},
          {"check", search::CheckName(backends::FromProto(answer.check()))}};
}

json CostJson(const arts::v1::CostReceipt& cost) {
  return {{"tokens_generated", cost.tokens_generated()},
          {"generator_calls", cost.generator_calls()},
          {"verifier_calls", cost.verifier_calls()},
          {"traces_scored", cost.traces_scored()},
          {"expansions", cost.expansions()},
          {"wall_seconds", cost.wall_seconds()},
          {"generator_queue_seconds", cost.generator_queue_seconds()},
          {"generator_compute_seconds", cost.generator_compute_seconds()},
          {"verifier_queue_seconds", cost.verifier_queue_seconds()},
          {"verifier_compute_seconds", cost.verifier_compute_seconds()}};
}

// The receipt with how the search ended.
json ReceiptJson(const arts::v1::SolveResponse& response) {
  json receipt = CostJson(response.cost());
  receipt["strategy"] = response.strategy();
  receipt["stop_reason"] = response.stop_reason();
  receipt["verified"] = response.verified();
  return receipt;
}

json Usage(const arts::v1::SolveResponse& response) {
  // The orchestrator does not tokenise the problem; the generator's prefill
  // is its own. completion_tokens: every token the search had sampled.
  const int64_t completion = response.cost().tokens_generated();
  return {{"prompt_tokens", 0},
          {"completion_tokens", completion},
          {"total_tokens", completion}};
}

std::string FinishReason(const arts::v1::Answer* answer) {
  return answer != nullptr && answer->terminal() ? "stop" : "length";
}

json Envelope(const SearchCall& call, const CallIdentity& identity,
              bool chunk) {
  std::string object = Chat(call) ? "chat.completion" : "text_completion";
  if (chunk && Chat(call)) object = "chat.completion.chunk";
  return {{"id", identity.id},
          {"object", object},
          {"created", identity.created},
          {"model", identity.model},
          {"system_fingerprint", nullptr}};
}

std::string Event(const json& data) {
  return absl::StrCat("data: ", JsonText(data), "\n\n");
}

// One streamed choice delta.
json DeltaChoice(const SearchCall& call, int index, const std::string& text,
                 bool with_role) {
  json choice = {
      {"index", index}, {"finish_reason", nullptr}, {"logprobs", nullptr}};
  if (Chat(call)) {
    json delta = json::object();
    if (with_role) delta["role"] = "assistant";
    delta["content"] = text;
    choice["delta"] = delta;
  } else {
    choice["text"] = text;
  }
  return choice;
}

}  // namespace

std::string JsonText(const json& value) {
  return value.dump(-1, ' ', false, json::error_handler_t::replace);
}

CallIdentity NewIdentity(const SearchCall& call) {
  static std::atomic<uint64_t> counter{0};
  thread_local std::mt19937_64 random(std::random_device{}());
  CallIdentity identity;
  identity.id = absl::StrFormat(
      "%s-%016x%04x", Chat(call) ? "chatcmpl" : "cmpl", random(),
      static_cast<unsigned>(counter.fetch_add(1) & 0xffff));
  identity.created = absl::ToUnixSeconds(absl::Now());
  identity.model = call.model;
  return identity;
}

std::string AnswerText(const arts::v1::Answer& answer) {
  std::string text;
  for (const std::string& step : answer.steps())
    absl::StrAppend(&text, step, "\n");
  absl::StrAppend(&text, "Answer: ", answer.final_value());
  return text;
}

std::string CompletionBody(const SearchCall& call, const CallIdentity& identity,
                           const arts::v1::SolveResponse& response) {
  json body = Envelope(call, identity, /*chunk=*/false);
  json choices = json::array();
  for (int i = 0; i < response.answers_size(); ++i) {
    const arts::v1::Answer& answer = response.answers(i);
    json choice = {{"index", i},
                   {"finish_reason", FinishReason(&answer)},
                   {"logprobs", nullptr},
                   {"arts", AnswerJson(answer)}};
    if (Chat(call)) {
      choice["message"] = {{"role", "assistant"},
                           {"content", AnswerText(answer)},
                           {"refusal", nullptr}};
    } else {
      choice["text"] = AnswerText(answer);
    }
    choices.push_back(std::move(choice));
  }
  if (choices.empty()) {
    // No answer within the budget: one empty choice, so that callers that
    // read choices[0] find it, and arts: null.
    json choice = {{"index", 0},
                   {"finish_reason", FinishReason(nullptr)},
                   {"logprobs", nullptr},
                   {"arts", nullptr}};
    if (Chat(call)) {
      choice["message"] = {
          {"role", "assistant"}, {"content", ""}, {"refusal", nullptr}};
    } else {
      choice["text"] = "";
    }
    choices.push_back(std::move(choice));
  }
  body["choices"] = std::move(choices);
  body["usage"] = Usage(response);
  body["arts_cost"] = ReceiptJson(response);
  if (response.has_tree()) {
    body["arts_tree"] =
        search::SearchTreeObject(backends::FromProto(response.tree()));
  }
  return JsonText(body);
}

std::string ProgressEvent(const SearchCall& call, const CallIdentity& identity,
                          const arts::v1::SolveEvent& event) {
  json chunk = Envelope(call, identity, /*chunk=*/true);
  chunk["choices"] = json::array();
  if (event.has_expansion()) {
    chunk["arts_event"] = {{"type", "expansion"},
                           {"frontier", event.expansion().frontier()},
                           {"cost", CostJson(event.expansion().cost())}};
  } else if (event.has_best_so_far()) {
    chunk["arts_event"] = {{"type", "best_so_far"},
                           {"answer", AnswerJson(event.best_so_far())}};
  } else if (event.has_tree()) {
    // One event per node, as the format says, sent together.
    std::string events;
    for (const arts::v1::TreeEvent& tree : event.tree().events()) {
      chunk["arts_event"] = {
          {"type", "node"},
          {"change",
           search::TreeChangeName(backends::FromProto(tree.change()))},
          {"node", search::TreeNodeObject(backends::FromProto(tree.node()))}};
      absl::StrAppend(&events, Event(chunk));
    }
    return events;
  } else {
    return "";
  }
  return Event(chunk);
}

std::string FinalEvents(const SearchCall& call, const CallIdentity& identity,
                        const arts::v1::SolveResponse& response) {
  std::string out;
  const json envelope = Envelope(call, identity, /*chunk=*/true);
  const auto emit = [&](json choice) {
    json chunk = envelope;
    chunk["choices"] = json::array({std::move(choice)});
    absl::StrAppend(&out, Event(chunk));
  };
  const int answers = response.answers_size();
  for (int i = 0; i < std::max(answers, 1); ++i) {
    const arts::v1::Answer* answer =
        i < answers ? &response.answers(i) : nullptr;
    if (answer != nullptr) {
      // The trace a step a delta, then the answer line.
      bool first = true;
      for (const std::string& step : answer->steps()) {
        emit(DeltaChoice(call, i, step + "\n", first));
        first = false;
      }
      emit(DeltaChoice(call, i, "Answer: " + answer->final_value(), first));
    } else {
      emit(DeltaChoice(call, i, "", /*with_role=*/true));
    }
    json last = DeltaChoice(call, i, "", /*with_role=*/false);
    if (Chat(call)) last["delta"] = json::object();
    last["finish_reason"] = FinishReason(answer);
    last["arts"] = answer != nullptr ? AnswerJson(*answer) : json(nullptr);
    emit(std::move(last));
  }
  if (response.has_tree()) {
    json chunk = envelope;
    chunk["choices"] = json::array();
    chunk["arts_tree"] =
        search::SearchTreeObject(backends::FromProto(response.tree()));
    absl::StrAppend(&out, Event(chunk));
  }
  if (call.include_usage) {
    json chunk = envelope;
    chunk["choices"] = json::array();
    chunk["usage"] = Usage(response);
    chunk["arts_cost"] = ReceiptJson(response);
    absl::StrAppend(&out, Event(chunk));
  }
  absl::StrAppend(&out, "data: [DONE]\n\n");
  return out;
}

ApiError ErrorFor(const absl::Status& status, Api api) {
  ApiError error;
  error.message = std::string(status.message());
  error.param = ParamOf(status, api);
  switch (status.code()) {
    case absl::StatusCode::kInvalidArgument:
    case absl::StatusCode::kOutOfRange:
    case absl::StatusCode::kFailedPrecondition:
      error.http_status = 400;
      error.type = "invalid_request_error";
      break;
    case absl::StatusCode::kUnauthenticated:
      error.http_status = 401;
      error.type = "authentication_error";
      error.code = "invalid_api_key";
      break;
    case absl::StatusCode::kPermissionDenied:
      error.http_status = 403;
      error.type = "permission_error";
      break;
    case absl::StatusCode::kNotFound:
      error.http_status = 404;
      error.type = "invalid_request_error";
      if (error.param == "model") error.code = "model_not_found";
      break;
    case absl::StatusCode::kDeadlineExceeded:
      error.http_status = 504;
      error.type = "timeout_error";
      error.code = "deadline_exceeded";
      break;
    case absl::StatusCode::kResourceExhausted:
      error.http_status = 429;
      error.type = "rate_limit_error";
      error.code = "server_overloaded";
      break;
    case absl::StatusCode::kCancelled:
      error.http_status = 499;  // the client went away; nobody reads it
      error.type = "cancelled";
      break;
    case absl::StatusCode::kUnavailable:
      error.http_status = 503;
      error.type = "service_unavailable_error";
      break;
    case absl::StatusCode::kUnimplemented:
      error.http_status = 501;
      error.type = "server_error";
      break;
    default:
      error.http_status = 500;
      error.type = "server_error";
      break;
  }
  return error;
}

ApiError HttpError(int http_status, const std::string& message) {
  ApiError error;
  error.http_status = http_status;
  error.message = message;
  error.type = http_status >= 500 ? "server_error" : "invalid_request_error";
  return error;
}

std::string ErrorBody(const ApiError& error) {
  const auto or_null = [](const std::string& s) {
    return s.empty() ? json(nullptr) : json(s);
  };
  return JsonText(json({{"error",
                         {{"message", error.message},
                          {"type", error.type},
                          {"param", or_null(error.param)},
                          {"code", or_null(error.code)}}}}));
}

std::string ErrorEvent(const ApiError& error) {
  return absl::StrCat("data: ", ErrorBody(error), "\n\n");
}

}  // namespace arts::openai
