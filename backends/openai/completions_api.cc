#include "backends/openai/completions_api.h"

#include <nlohmann/json.hpp>

#include "absl/strings/str_cat.h"

namespace arts::backends::openai {
namespace {

using nlohmann::json;

absl::Status Malformed(absl::string_view what) {
  return absl::InternalError(
      absl::StrCat("openai: malformed completions response: ", what));
}

// A JSON number as a double; null reads as 0.
bool NumberOrNull(const json& value, double& out) {
  if (value.is_null()) {
    out = 0;
    return true;
  }
  if (!value.is_number()) return false;
  out = value.get<double>();
  return true;
}

absl::StatusOr<CompletionChoice> ParseChoice(const json& choice, size_t i) {
  const std::string where = absl::StrCat("choices[", i, "]");
  if (!choice.is_object()) return Malformed(where + " is not an object");
  CompletionChoice out;
  out.index = static_cast<int>(i);
  if (auto it = choice.find("index"); it != choice.end()) {
    if (!it->is_number_integer()) return Malformed(where + ".index");
    out.index = it->get<int>();
  }
  auto text = choice.find("text");
  if (text == choice.end() || !text->is_string()) {
    return Malformed(where + ".text is missing or not a string");
  }
  out.text = text->get<std::string>();
  if (auto it = choice.find("finish_reason"); it != choice.end()) {
    if (it->is_string()) out.finish_reason = it->get<std::string>();
  }
  if (auto it = choice.find("stop_reason"); it != choice.end()) {
    out.ended_by_model = it->is_null();
  }
  auto logprobs = choice.find("logprobs");
  if (logprobs == choice.end() || logprobs->is_null()) return out;
  if (!logprobs->is_object()) return Malformed(where + ".logprobs");
  if (auto it = logprobs->find("token_logprobs"); it != logprobs->end()) {
    if (!it->is_array()) return Malformed(where + ".logprobs.token_logprobs");
    for (const json& v : *it) {
      double x = 0;
      if (!NumberOrNull(v, x)) {
        return Malformed(where + ".logprobs.token_logprobs holds a non-number");
      }
      out.token_logprobs.push_back(x);
    }
  }
  if (auto it = logprobs->find("text_offset"); it != logprobs->end()) {
    if (!it->is_array()) return Malformed(where + ".logprobs.text_offset");
    for (const json& v : *it) {
      if (!v.is_number_integer()) {
        return Malformed(where + ".logprobs.text_offset holds a non-integer");
      }
      out.text_offsets.push_back(v.get<int64_t>());
    }
    if (out.text_offsets.size() != out.token_logprobs.size()) {
      out.text_offsets.clear();  // unusable; the whole text counts
    }
  }
  return out;
}

}  // namespace

std::string ToJson(const CompletionRequest& request) {
  json body = {
      {"model", request.model},
      {"prompt", request.prompt},
      {"n", request.n},
      {"max_tokens", request.max_tokens},
      {"temperature", request.temperature},
      {"top_p", request.top_p},
      {"logprobs", request.logprobs},
      {"stream", false},
  };
  if (request.top_k > 0) body["top_k"] = request.top_k;
  if (request.seed.has_value()) body["seed"] = *request.seed;
  if (!request.stop.empty()) body["stop"] = request.stop;
  // Invalid UTF-8 in a prompt is replaced, not thrown on.
  return body.dump(-1, ' ', false, json::error_handler_t::replace);
}

absl::StatusOr<CompletionResponse> ParseCompletionResponse(
    absl::string_view body) {
  const json parsed = json::parse(body.begin(), body.end(), nullptr,
                                  /*allow_exceptions=*/false);
  if (parsed.is_discarded()) return Malformed("not JSON");
  if (!parsed.is_object()) return Malformed("not a JSON object");
  auto choices = parsed.find("choices");
  if (choices == parsed.end() || !choices->is_array()) {
    return Malformed("no choices array");
  }
  CompletionResponse out;
  for (size_t i = 0; i < choices->size(); ++i) {
    absl::StatusOr<CompletionChoice> choice = ParseChoice((*choices)[i], i);
    if (!choice.ok()) return choice.status();
    out.choices.push_back(*std::move(choice));
  }
  if (auto usage = parsed.find("usage");
      usage != parsed.end() && usage->is_object()) {
    if (auto it = usage->find("completion_tokens");
        it != usage->end() && it->is_number_integer()) {
      out.completion_tokens = it->get<int64_t>();
    }
  }
  return out;
}

std::string ErrorMessageOf(absl::string_view body) {
  const json parsed = json::parse(body.begin(), body.end(), nullptr,
                                  /*allow_exceptions=*/false);
  if (parsed.is_object()) {
    const json* holder = &parsed;
    if (auto error = parsed.find("error");
        error != parsed.end() && error->is_object()) {
      holder = &*error;
    }
    if (auto message = holder->find("message");
        message != holder->end() && message->is_string()) {
      return message->get<std::string>();
    }
  }
  constexpr size_t kMaxShown = 200;
  return std::string(body.substr(0, kMaxShown));
}

}  // namespace arts::backends::openai
