#ifndef ARTS_BACKENDS_OPENAI_OPENAI_POLICY_H_
#define ARTS_BACKENDS_OPENAI_OPENAI_POLICY_H_

#include <memory>
#include <string>

#include "absl/status/statusor.h"
#include "backends/openai/answer_rule.h"
#include "backends/openai/http_client.h"
#include "core/backend/policy.h"

namespace arts::backends::openai {

// Where and how to reach an OpenAI-compatible completions server (vLLM,
// llama.cpp's server, TGI, SGLang), and how its free text becomes steps.
// docs/generator.md, "An OpenAI-compatible LLM server", says each field's
// part in the request.
struct OpenAiOptions {
  // The API's base URL, e.g. "http://127.0.0.1:8000/v1"; requests go to
  // url + "/completions". http or https.
  std::string url;
  std::string model;    // the request's "model"
  std::string api_key;  // sent as "Authorization: Bearer"; may be empty
  std::string ca_file;  // https: CA certificates; empty: the system's
  std::string delimiter = "\n";  // one step = text up to it
  std::string answer_regex = R"((?i)answer:\s*(.+))";
  std::string prompt_prefix;    // before the problem (instructions, examples)
  int max_step_tokens = 256;    // a step longer than this is invalid
  int max_trace_tokens = 2048;  // max_steps = 0: the whole rest of a trace
  int max_connections = 64;     // open at once; more requests wait
};

// backend::Policy over an OpenAI-compatible completions endpoint, for the
// `text` task. One Propose is one POST per prefix with n = num_candidates,
// sent together; with max_steps > 1 each candidate's later steps are one
// request each. No thread waits: requests run on the HttpClient's loop, and
// `on_candidate` / `on_done` come from it. The call's deadline is the
// requests' timeout and its cancellation aborts them (the connection
// closes, so the server stops generating).
class OpenAiPolicy : public backend::Policy {
 public:
  // InvalidArgument naming the option ("url: ..."), so that a binary
  // can name its flag.
  static absl::StatusOr<std::unique_ptr<OpenAiPolicy>> Make(
      OpenAiOptions options);

  absl::Status Propose(
      const backend::ProposeRequest& request, const backend::CallContext& call,
      const std::function<void(backend::Candidate)>& on_candidate) override;
  void StartPropose(const backend::ProposeRequest& request,
                    const backend::CallContext& call,
                    std::function<void(backend::Candidate)> on_candidate,
                    std::function<void(absl::Status)> on_done) override;

  const OpenAiOptions& options() const { return options_; }

 private:
  class ProposeCall;
  OpenAiPolicy(OpenAiOptions options, AnswerRule answers);

  const OpenAiOptions options_;
  const AnswerRule answers_;
  HttpClient http_;  // last: its loop stops before the rest goes
};

}  // namespace arts::backends::openai

#endif  // ARTS_BACKENDS_OPENAI_OPENAI_POLICY_H_
