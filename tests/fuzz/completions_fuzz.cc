// libFuzzer target: an OpenAI-compatible server's completions response
// (backends/openai/), as arts-generator reads it. Input: the response body.
// It must parse or give INTERNAL naming what is malformed, and each choice
// must then read as steps, both a step at a time and as a whole trace,
// without crashing, with every candidate either valid or saying why not.

#include <cstddef>
#include <cstdint>
#include <string>

#include "backends/openai/answer_rule.h"
#include "backends/openai/choice_steps.h"
#include "backends/openai/completions_api.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace arts::backends::openai;  // NOLINT(build/namespaces)
  static const AnswerRule* rule =
      new AnswerRule(*AnswerRule::Make(R"((?i)answer:\s*(.+))"));
  const std::string body(reinterpret_cast<const char*>(data), size);
  absl::StatusOr<CompletionResponse> response = ParseCompletionResponse(body);
  (void)ErrorMessageOf(body);
  if (!response.ok()) {
    if (response.status().code() != absl::StatusCode::kInternal) {
      __builtin_trap();
    }
    return 0;
  }
  const StepText text{"\n", rule, 16, 64};
  for (const CompletionChoice& choice : response->choices) {
    for (bool whole : {false, true}) {
      arts::backend::Candidate c;
      if (whole) {
        ReadWholeTrace(choice, response->completion_tokens, text, c);
      } else {
        AppendStep(choice, response->completion_tokens, text, c);
      }
      if (!c.valid && c.invalid_reason.empty()) __builtin_trap();
      if (c.terminal && !c.valid) __builtin_trap();
    }
  }
  return 0;
}
