// libFuzzer target: the HTTP request path of the OpenAI-compatible API. The
// input is what a client sends on a connection (request lines, headers,
// bodies, pipelined requests, truncation). It is read as the listener reads
// a connection (http::ParseRequests: Beast's parser with the listener's
// limits), and each request is then handled as the front door handles it:
// the Authorization and X-Stainless-Timeout headers, the JSON body as a
// chat or completions request (the path picks which), answered with the
// error body, or with the response and the streamed events of a canned
// search. A crash, a sanitizer report, an exception, a body over the limit
// taken, or an error that is neither 400 nor 404 fails the run.
#include <cstddef>
#include <cstdint>
#include <string>

#include "absl/strings/numbers.h"
#include "server/http/http_listener.h"
#include "server/openai/openai_request.h"
#include "server/openai/openai_response.h"

namespace {

constexpr size_t kMaxBody = 4096;

arts::v1::SolveResponse CannedSearch() {
  arts::v1::SolveResponse response;
  arts::v1::Answer* answer = response.add_answers();
  answer->add_steps("13 - 9 = 4 (left: 4 4 10)");
  answer->set_final_value("24");
  answer->set_terminal(true);
  response.mutable_cost()->set_tokens_generated(12);
  return response;
}

void Handle(const arts::http::Request& request) {
  if (request.body.size() > kMaxBody) __builtin_trap();
  double seconds = 0;
  (void)absl::SimpleAtod(request.Header("x-stainless-timeout"), &seconds);
  (void)request.Header("authorization");
  const arts::openai::Api api = request.Path() == "/v1/completions"
                                    ? arts::openai::Api::kCompletions
                                    : arts::openai::Api::kChatCompletions;
  absl::StatusOr<arts::openai::SearchCall> call =
      arts::openai::ParseSearchCall(api, request.body);
  if (!call.ok()) {
    const arts::openai::ApiError error =
        arts::openai::ErrorFor(call.status(), api);
    if (error.http_status != 400 && error.http_status != 404) __builtin_trap();
    (void)arts::openai::ErrorBody(error);
    return;
  }
  const arts::openai::CallIdentity identity = arts::openai::NewIdentity(*call);
  // The answer echoes what the request named (its model), so a request's
  // bytes reach the JSON writer.
  arts::v1::SolveResponse response = CannedSearch();
  response.mutable_answers(0)->set_final_value(call->solve.problem());
  if (call->stream) {
    arts::v1::SolveEvent event;
    *event.mutable_best_so_far() = response.answers(0);
    (void)arts::openai::ProgressEvent(*call, identity, event);
    (void)arts::openai::FinalEvents(*call, identity, response);
  } else {
    (void)arts::openai::CompletionBody(*call, identity, response);
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  static const arts::http::ListenerOptions options = [] {
    arts::http::ListenerOptions o;
    o.max_body_bytes = kMaxBody;
    o.max_header_bytes = 2048;
    return o;
  }();
  const arts::http::ParsedRequests parsed = arts::http::ParseRequests(
      absl::string_view(reinterpret_cast<const char*>(data), size), options);
  if (parsed.refusal_status != 0 && parsed.refusal_status != 400) {
    __builtin_trap();
  }
  for (const arts::http::Request& request : parsed.requests) Handle(request);
  return 0;
}
