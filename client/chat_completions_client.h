#ifndef ARTS_CLIENT_CHAT_COMPLETIONS_CLIENT_H_
#define ARTS_CLIENT_CHAT_COMPLETIONS_CLIENT_H_

#include <memory>
#include <string>

#include "absl/status/status.h"
#include "absl/time/time.h"
#include "arts/v1/orchestrator.pb.h"

namespace arts::client {

// The body an OpenAI client sends for `request` to the orchestrator's
// POST /v1/chat/completions (docs/search.md, "Calling it from an OpenAI
// SDK"): the strategy as the model, the problem as the user message, the
// rest in the `arts` object.
std::string ChatCompletionBody(const arts::v1::SolveRequest& request,
                               bool stream);

// The status an HTTP answer of that API stands for (200: OK, 400:
// INVALID_ARGUMENT, 429: RESOURCE_EXHAUSTED, 504: DEADLINE_EXCEEDED, ...).
absl::Status StatusOfHttp(int http_status, const std::string& body);

// A blocking client of that endpoint over one keep-alive HTTP/1.1
// connection (plaintext), for load tests: one per thread.
class ChatCompletionsClient {
 public:
  // `address`: host:port. `token`: the bearer token; empty: none.
  ChatCompletionsClient(std::string address, std::string token);
  ~ChatCompletionsClient();

  // Sends `request` and reads the whole answer (streamed: every event to
  // "data: [DONE]"). A broken connection is reopened for the next call.
  absl::Status Solve(const arts::v1::SolveRequest& request, bool stream,
                     absl::Duration timeout);

 private:
  class Connection;
  std::string host_;
  std::string port_;
  std::string token_;
  std::unique_ptr<Connection> connection_;
};

}  // namespace arts::client

#endif  // ARTS_CLIENT_CHAT_COMPLETIONS_CLIENT_H_
