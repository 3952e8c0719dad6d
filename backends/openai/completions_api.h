#ifndef ARTS_BACKENDS_OPENAI_COMPLETIONS_API_H_
#define ARTS_BACKENDS_OPENAI_COMPLETIONS_API_H_

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"

namespace arts::backends::openai {

// The body of one POST /v1/completions, as the OpenAI API and vLLM's
// OpenAI-compatible server document it. Only what a search needs.
struct CompletionRequest {
  std::string model;
  std::string prompt;
  int n = 1;
  int max_tokens = 16;
  double temperature = 1.0;
  double top_p = 1.0;
  int top_k = 0;  // 0: not sent (top_k is a vLLM extension)
  std::optional<uint64_t> seed;
  std::vector<std::string> stop;  // empty: not sent
  int logprobs = 1;               // per-token logprobs of the sampled tokens
};

// One choice of the response. `token_logprobs` and `text_offsets` are empty
// when the server sent no logprobs; a null logprob (some servers send one
// for the first token) reads as 0.
struct CompletionChoice {
  int index = 0;
  std::string text;
  std::string finish_reason;  // "stop" or "length"
  // vLLM's stop_reason: true when the field was sent as null, i.e. the model
  // ended the text itself (end of sequence) rather than at a stop string.
  bool ended_by_model = false;
  std::vector<double> token_logprobs;
  std::vector<int64_t> text_offsets;  // where each token starts in `text`
};

struct CompletionResponse {
  std::vector<CompletionChoice> choices;  // in the order sent
  int64_t completion_tokens = 0;          // usage, over all choices
};

// The request as JSON.
std::string ToJson(const CompletionRequest& request);

// Reads a 200 response's body; InternalError "openai: ..." naming what is
// missing or malformed.
absl::StatusOr<CompletionResponse> ParseCompletionResponse(
    absl::string_view body);

// The error message of a non-200 response, from either error shape in use
// ({"error": {"message": ...}} or vLLM's {"message": ...}), or the start of
// the body when it is neither.
std::string ErrorMessageOf(absl::string_view body);

}  // namespace arts::backends::openai

#endif  // ARTS_BACKENDS_OPENAI_COMPLETIONS_API_H_
