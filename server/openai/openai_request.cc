#include "server/openai/openai_request.h"

#include <algorithm>
#include <cctype>
#include <cmath>
#include <cstdint>
#include <limits>
#include <nlohmann/json.hpp>
#include <utility>

#include "absl/strings/ascii.h"
#include "absl/strings/cord.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_replace.h"

namespace arts::openai {
namespace {

using nlohmann::json;

// Where a parse error keeps the field it is about.
constexpr char kParamPayload[] = "type.arts.dev/openai-param";
// JSON nested deeper than this is refused before it is built.
constexpr int kMaxDepth = 32;
// The longest deadline a request may ask for.
constexpr int64_t kMaxDeadlineMs = 3'600'000;

absl::Status FieldError(
    const std::string& param, absl::string_view message,
    absl::StatusCode code = absl::StatusCode::kInvalidArgument) {
  absl::Status status(code, absl::StrCat(param, ": ", message));
  status.SetPayload(kParamPayload, absl::Cord(param));
  return status;
}

std::string TypeName(const json& value) {
  if (value.is_number_integer()) return "an integer";
  if (value.is_number()) return "a number";
  if (value.is_string()) return "a string";
  if (value.is_boolean()) return "a boolean";
  if (value.is_null()) return "null";
  if (value.is_array()) return "an array";
  return "an object";
}

absl::Status WrongType(const std::string& param, const json& value,
                       absl::string_view expected) {
  return FieldError(
      param, absl::StrCat("expected ", expected, ", got ", TypeName(value)));
}

absl::StatusOr<int64_t> Integer(const json& value, const std::string& param,
                                int64_t low, int64_t high) {
  int64_t number = 0;
  if (value.is_number_unsigned()) {
    const uint64_t u = value.get<uint64_t>();
    number = u > static_cast<uint64_t>(std::numeric_limits<int64_t>::max())
                 ? std::numeric_limits<int64_t>::max()
                 : static_cast<int64_t>(u);
  } else if (value.is_number_integer()) {
    number = value.get<int64_t>();
  } else if (value.is_number_float() &&
             std::floor(value.get<double>()) == value.get<double>() &&
             std::fabs(value.get<double>()) < 9e15) {
    number = static_cast<int64_t>(value.get<double>());
  } else {
    return WrongType(param, value, "an integer");
  }
  if (number < low || number > high) {
    return FieldError(
        param, absl::StrCat("must be ", low, " to ", high, ", got ", number));
  }
  return number;
}

absl::StatusOr<double> Number(const json& value, const std::string& param,
                              double low, double high) {
  if (!value.is_number()) return WrongType(param, value, "a number");
  const double number = value.get<double>();
  if (!(number >= low && number <= high)) {
    return FieldError(
        param, absl::StrCat("must be ", low, " to ", high, ", got ", number));
  }
  return number;
}

absl::StatusOr<bool> Boolean(const json& value, const std::string& param) {
  if (!value.is_boolean()) return WrongType(param, value, "a boolean");
  return value.get<bool>();
}

absl::StatusOr<std::string> String(const json& value,
                                   const std::string& param) {
  if (!value.is_string()) return WrongType(param, value, "a string");
  return value.get<std::string>();
}

// The text of a chat message's content: a string, or text parts.
absl::StatusOr<std::string> ContentText(const json& content,
                                        const std::string& param) {
  if (content.is_string()) return content.get<std::string>();
  if (!content.is_array()) {
    return WrongType(param, content, "a string or an array of text parts");
  }
  std::string text;
  for (size_t i = 0; i < content.size(); ++i) {
    const std::string part_param = absl::StrCat(param, "[", i, "]");
    const json& part = content[i];
    if (!part.is_object() || !part.contains("type") || part["type"] != "text" ||
        !part.contains("text") || !part["text"].is_string()) {
      return FieldError(part_param,
                        "only text parts ({\"type\": \"text\", \"text\": "
                        "\"...\"}) can be searched");
    }
    text += part["text"].get<std::string>();
  }
  return text;
}

absl::StatusOr<std::string> ChatProblem(const json& body) {
  if (!body.contains("messages")) {
    return FieldError("messages",
                      "required: the problem is the last user "
                      "message");
  }
  const json& messages = body["messages"];
  if (!messages.is_array()) return WrongType("messages", messages, "an array");
  if (messages.empty()) {
    return FieldError("messages", "must hold at least the user's problem");
  }
  for (size_t i = 0; i < messages.size(); ++i) {
    const std::string param = absl::StrCat("messages[", i, "]");
    const json& message = messages[i];
    if (!message.is_object()) return WrongType(param, message, "an object");
    if (!message.contains("role") || !message["role"].is_string()) {
      return FieldError(param + ".role", "required: a string");
    }
  }
  const size_t last = messages.size() - 1;
  const std::string param = absl::StrCat("messages[", last, "]");
  if (messages[last]["role"] != "user") {
    return FieldError(param + ".role",
                      "the last message must be the user's problem, got "
                      "role '" +
                          messages[last]["role"].get<std::string>() + "'");
  }
  if (!messages[last].contains("content")) {
    return FieldError(param + ".content", "required: the problem");
  }
  return ContentText(messages[last]["content"], param + ".content");
}

absl::StatusOr<std::string> CompletionProblem(const json& body) {
  if (!body.contains("prompt")) {
    return FieldError("prompt", "required: the problem");
  }
  const json& prompt = body["prompt"];
  if (prompt.is_string()) return prompt.get<std::string>();
  if (prompt.is_array() && prompt.size() == 1 && prompt[0].is_string()) {
    return prompt[0].get<std::string>();
  }
  if (prompt.is_array()) {
    return FieldError("prompt",
                      "one prompt per request (a string, or an array of one "
                      "string); token arrays are not searched");
  }
  return WrongType("prompt", prompt, "a string");
}

// The `arts` extension object: SearchParams, Budget and request fields.
absl::Status ReadExtension(const json& arts, SearchCall& call) {
  if (!arts.is_object()) return WrongType("arts", arts, "an object");
  arts::v1::SolveRequest& solve = call.solve;
  arts::v1::SearchParams& params = *solve.mutable_params();
  for (const auto& item : arts.items()) {
    // Named, not a structured binding: the lambda below captures them.
    const std::string& key = item.key();
    const json& value = item.value();
    const std::string param = "arts." + key;
    absl::Status status;
    const auto integer = [&](int64_t low, int64_t high,
                             const auto& set) -> absl::Status {
      absl::StatusOr<int64_t> v = Integer(value, param, low, high);
      if (!v.ok()) return v.status();
      set(*v);
      return absl::OkStatus();
    };
    constexpr int64_t kInt32 = std::numeric_limits<int32_t>::max();
    if (key == "n") {
      status = integer(0, kInt32, [&](int64_t v) { params.set_n(v); });
    } else if (key == "beam_width") {
      status = integer(0, kInt32, [&](int64_t v) { params.set_beam_width(v); });
    } else if (key == "proposals") {
      status = integer(0, kInt32, [&](int64_t v) { params.set_proposals(v); });
    } else if (key == "expand_width") {
      status =
          integer(0, kInt32, [&](int64_t v) { params.set_expand_width(v); });
    } else if (key == "tilt_pool") {
      status = integer(0, kInt32, [&](int64_t v) { params.set_tilt_pool(v); });
    } else if (key == "stop_after_answers") {
      status = integer(0, kInt32,
                       [&](int64_t v) { params.set_stop_after_answers(v); });
    } else if (key == "max_expansions") {
      status = integer(0, kInt32, [&](int64_t v) {
        solve.mutable_budget()->set_max_expansions(v);
      });
    } else if (key == "max_tokens") {
      status = integer(0, std::numeric_limits<int64_t>::max(), [&](int64_t v) {
        solve.mutable_budget()->set_max_tokens(v);
      });
    } else if (key == "deadline_ms") {
      status = integer(1, kMaxDeadlineMs, [&](int64_t v) {
        call.deadline = absl::Milliseconds(v);
      });
    } else if (key == "stop_confidence") {
      absl::StatusOr<double> v = Number(value, param, -1e308, 1e308);
      if (v.ok()) params.set_stop_confidence(*v);
      status = v.status();
    } else if (key == "flow_tilted" || key == "constrained" ||
               key == "allow_unverified" || key == "trace_tree") {
      absl::StatusOr<bool> v = Boolean(value, param);
      if (v.ok()) {
        if (key == "flow_tilted") params.set_flow_tilted(*v);
        if (key == "constrained") solve.set_constrained(*v);
        if (key == "allow_unverified") solve.set_allow_unverified(*v);
        if (key == "trace_tree") solve.set_trace_tree(*v);
      }
      status = v.status();
    } else if (key == "task") {
      absl::StatusOr<std::string> v = String(value, param);
      if (v.ok()) solve.set_task(*v);
      status = v.status();
    } else if (key == "aggregation") {
      absl::StatusOr<std::string> v = String(value, param);
      arts::v1::Aggregation aggregation = arts::v1::AGGREGATION_UNSPECIFIED;
      if (v.ok() && (!arts::v1::Aggregation_Parse(absl::AsciiStrToUpper(*v),
                                                  &aggregation) ||
                     aggregation == arts::v1::AGGREGATION_UNSPECIFIED)) {
        return FieldError(param,
                          absl::StrCat("unknown '", *v, "' (last, min, mean)"));
      }
      if (v.ok()) params.set_aggregation(aggregation);
      status = v.status();
    } else {
      return FieldError(
          param,
          "unknown field (known: n, beam_width, proposals, expand_width, "
          "flow_tilted, tilt_pool, aggregation, stop_after_answers, "
          "stop_confidence, max_tokens, max_expansions, task, constrained, "
          "allow_unverified, trace_tree, deadline_ms)");
    }
    if (!status.ok()) return status;
  }
  return absl::OkStatus();
}

// OpenAI fields this endpoint takes but that change nothing here, and those
// it takes only at their default value (a search has no logprobs of its
// answer as a whole, no stop sequences, no penalties).
bool Ignored(const std::string& key) {
  return key == "user" || key == "metadata" || key == "store" ||
         key == "service_tier";
}

absl::Status CheckDefault(const std::string& key, const json& value) {
  const bool is_default =
      value.is_null() || (value.is_boolean() && !value.get<bool>()) ||
      (value.is_number() && value.get<double>() == 0.0) ||
      (value.is_string() && value.get<std::string>().empty());
  if (is_default) return absl::OkStatus();
  return FieldError(key,
                    "not supported by test-time search (only its default is "
                    "taken); search settings go in the `arts` object");
}

bool TakesDefaultOnly(const std::string& key) {
  return key == "logprobs" || key == "top_logprobs" || key == "stop" ||
         key == "frequency_penalty" || key == "presence_penalty" ||
         key == "echo" || key == "suffix" || key == "best_of" ||
         key == "logit_bias";
}

}  // namespace

std::vector<std::string> ModelNames() {
  std::vector<std::string> names;
  const google::protobuf::EnumDescriptor* strategies =
      arts::v1::Strategy_descriptor();
  for (int i = 0; i < strategies->value_count(); ++i) {
    const int number = strategies->value(i)->number();
    if (number == arts::v1::STRATEGY_UNSPECIFIED) continue;
    names.push_back(absl::StrReplaceAll(
        absl::AsciiStrToLower(strategies->value(i)->name()), {{"_", "-"}}));
  }
  return names;
}

absl::StatusOr<arts::v1::Strategy> StrategyOfModel(absl::string_view model) {
  const std::string name =
      absl::StrReplaceAll(absl::AsciiStrToUpper(model), {{"-", "_"}});
  arts::v1::Strategy strategy = arts::v1::STRATEGY_UNSPECIFIED;
  if (!arts::v1::Strategy_Parse(name, &strategy) ||
      strategy == arts::v1::STRATEGY_UNSPECIFIED) {
    return FieldError(
        "model",
        absl::StrCat("the model '", model,
                     "' does not exist: a model names a search strategy (",
                     absl::StrJoin(ModelNames(), ", "), ")"),
        absl::StatusCode::kNotFound);
  }
  return strategy;
}

absl::StatusOr<SearchCall> ParseSearchCall(Api api, absl::string_view body) {
  json root;
  try {
    root = json::parse(
        body,
        [](int depth, json::parse_event_t, json&) {
          if (depth > kMaxDepth) {
            throw std::length_error("nested deeper than 32 levels");
          }
          return true;
        },
        /*allow_exceptions=*/true);
  } catch (const json::exception& e) {
    return absl::InvalidArgumentError(
        absl::StrCat("the request body is not valid JSON: ", e.what()));
  } catch (const std::length_error& e) {
    return absl::InvalidArgumentError(
        absl::StrCat("the request body is not accepted: JSON ", e.what()));
  }
  if (!root.is_object()) {
    return absl::InvalidArgumentError(absl::StrCat(
        "the request body must be a JSON object, got ", TypeName(root)));
  }
  SearchCall call;
  call.api = api;
  if (!root.contains("model")) {
    return FieldError("model", "required: a strategy (" +
                                   absl::StrJoin(ModelNames(), ", ") + ")");
  }
  absl::StatusOr<std::string> model = String(root["model"], "model");
  if (!model.ok()) return model.status();
  call.model = *model;
  absl::StatusOr<arts::v1::Strategy> strategy = StrategyOfModel(*model);
  if (!strategy.ok()) return strategy.status();
  call.solve.set_strategy(*strategy);

  absl::StatusOr<std::string> problem = api == Api::kChatCompletions
                                            ? ChatProblem(root)
                                            : CompletionProblem(root);
  if (!problem.ok()) return problem.status();
  call.solve.set_problem(*problem);

  std::optional<int64_t> max_tokens;
  for (const auto& [key, value] : root.items()) {
    absl::Status status;
    const std::string problem_field =
        api == Api::kChatCompletions ? "messages" : "prompt";
    if (key == "model" || key == problem_field || key == "arts" ||
        Ignored(key)) {
      continue;
    } else if (key == "n") {
      absl::StatusOr<int64_t> v = Integer(value, key, 1, 64);
      if (v.ok()) call.solve.set_top_n(static_cast<int32_t>(*v));
      status = v.status();
    } else if (key == "seed") {
      absl::StatusOr<int64_t> v =
          Integer(value, key, 0, std::numeric_limits<int64_t>::max());
      if (v.ok()) call.solve.set_seed(static_cast<uint64_t>(*v));
      status = v.status();
    } else if (key == "temperature") {
      if (value.is_null()) continue;
      absl::StatusOr<double> v = Number(value, key, 0, 10);
      if (v.ok()) call.solve.set_temperature(*v);
      status = v.status();
    } else if (key == "top_p") {
      if (value.is_null()) continue;
      absl::StatusOr<double> v = Number(value, key, 0, 1);
      if (v.ok()) call.solve.set_top_p(*v);
      status = v.status();
    } else if (key == "max_tokens" || key == "max_completion_tokens") {
      if (value.is_null()) continue;
      absl::StatusOr<int64_t> v =
          Integer(value, key, 0, std::numeric_limits<int64_t>::max());
      if (v.ok() && max_tokens.has_value() && *max_tokens != *v) {
        return FieldError(key,
                          "max_tokens and max_completion_tokens differ; "
                          "give one (the search's token budget)");
      }
      if (v.ok()) max_tokens = *v;
      status = v.status();
    } else if (key == "stream") {
      if (value.is_null()) continue;
      absl::StatusOr<bool> v = Boolean(value, key);
      if (v.ok()) call.stream = *v;
      status = v.status();
    } else if (key == "stream_options") {
      if (value.is_null()) continue;
      if (!value.is_object()) {
        status = WrongType(key, value, "an object");
      } else {
        for (const auto& [option, setting] : value.items()) {
          if (option != "include_usage") {
            return FieldError("stream_options." + option, "unknown field");
          }
          absl::StatusOr<bool> v =
              Boolean(setting, "stream_options.include_usage");
          if (!v.ok()) return v.status();
          call.include_usage = *v;
        }
      }
    } else if (TakesDefaultOnly(key)) {
      status = CheckDefault(key, value);
    } else {
      return FieldError(key,
                        "unknown field; search settings go in the `arts` "
                        "object (extra_body in the OpenAI SDKs)");
    }
    if (!status.ok()) return status;
  }
  if (root.contains("arts")) {
    if (absl::Status s = ReadExtension(root["arts"], call); !s.ok()) return s;
  }
  if (max_tokens.has_value()) {
    arts::v1::Budget& budget = *call.solve.mutable_budget();
    if (budget.has_max_tokens() && budget.max_tokens() != *max_tokens) {
      return FieldError("arts.max_tokens",
                        "differs from max_tokens; both name the search's "
                        "token budget: give one");
    }
    budget.set_max_tokens(*max_tokens);
  }
  if (call.include_usage && !call.stream) {
    return FieldError("stream_options",
                      "only allowed when stream is true (usage is always in a "
                      "response that is not streamed)");
  }
  return call;
}

std::string ParamOf(const absl::Status& status, Api api) {
  if (absl::optional<absl::Cord> param = status.GetPayload(kParamPayload)) {
    return std::string(*param);
  }
  if (status.code() != absl::StatusCode::kInvalidArgument) return "";
  // The search's own errors name its fields: "beam_width: must be ...".
  const absl::string_view message = status.message();
  const size_t colon = message.find(':');
  if (colon == absl::string_view::npos) return "";
  std::string field(message.substr(0, colon));
  if (absl::StartsWith(field, "params.")) field = field.substr(7);
  if (field.empty() || field.find(' ') != std::string::npos) return "";
  if (field == "problem") {
    return api == Api::kChatCompletions ? "messages" : "prompt";
  }
  if (field == "top_n") return "n";
  if (field == "temperature" || field == "top_p" || field == "seed" ||
      field == "max_tokens") {
    return field;
  }
  if (field == "strategy") return "model";
  return "arts." + field;
}

}  // namespace arts::openai
