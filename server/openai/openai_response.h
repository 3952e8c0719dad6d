#ifndef ARTS_SERVER_OPENAI_OPENAI_RESPONSE_H_
#define ARTS_SERVER_OPENAI_OPENAI_RESPONSE_H_

#include <cstdint>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/time/time.h"
#include "arts/v1/orchestrator.pb.h"
#include "server/openai/openai_request.h"

namespace arts::openai {

// JSON text of `value`; bytes that are not UTF-8 in its strings (a
// generator's text, a request's own field names) become U+FFFD instead of
// an exception.
std::string JsonText(const nlohmann::json& value);

// What every response and chunk of one call carries.
struct CallIdentity {
  std::string id;       // "chatcmpl-..." or "cmpl-..."
  int64_t created = 0;  // Unix seconds
  std::string model;
};
CallIdentity NewIdentity(const SearchCall& call);

// An answer as message text: its steps, one a line, then "Answer: " and
// the final value.
std::string AnswerText(const arts::v1::Answer& answer);

// The whole (not streamed) response body.
std::string CompletionBody(const SearchCall& call, const CallIdentity& identity,
                           const arts::v1::SolveResponse& response);

// Server-sent events of a streamed response, each "data: {...}\n\n".
// A search event (expansion, better answer) as a chunk with no choices and
// the event in `arts_event`.
std::string ProgressEvent(const SearchCall& call, const CallIdentity& identity,
                          const arts::v1::SolveEvent& event);
// The answers as content deltas, then each choice's finish_reason, then
// (include_usage) the usage chunk, then "data: [DONE]".
std::string FinalEvents(const SearchCall& call, const CallIdentity& identity,
                        const arts::v1::SolveResponse& response);

// An error in OpenAI's shape, and the HTTP status it goes with.
struct ApiError {
  int http_status = 500;
  std::string message;
  std::string type;
  std::string param;  // empty: null
  std::string code;   // empty: null
  // 429: when to retry (Retry-After, retry-after-ms).
  std::optional<absl::Duration> retry_after;
};
// From a status of the request's parsing or of its search (the codes of
// docs/search.md's table).
ApiError ErrorFor(const absl::Status& status, Api api);
// A status the listener itself gives (bad framing, over a limit).
ApiError HttpError(int http_status, const std::string& message);
// {"error": {"message", "type", "param", "code"}}
std::string ErrorBody(const ApiError& error);
// The same as a streamed event, for an error after the stream began.
std::string ErrorEvent(const ApiError& error);

}  // namespace arts::openai

#endif  // ARTS_SERVER_OPENAI_OPENAI_RESPONSE_H_
