#ifndef ARTS_BACKENDS_OPENAI_CHOICE_STEPS_H_
#define ARTS_BACKENDS_OPENAI_CHOICE_STEPS_H_

#include <cstdint>
#include <string>

#include "backends/openai/answer_rule.h"
#include "backends/openai/completions_api.h"
#include "core/backend/policy.h"

namespace arts::backends::openai {

// How free text becomes steps (docs/generator.md, "An OpenAI-compatible LLM
// server"). Both read one choice of a completions response into
// `candidate`, whose steps, logprob and tokens grow; `tokens` is the
// choice's token count when the server sent no per-token logprobs.
struct StepText {
  std::string delimiter;
  const AnswerRule* answers = nullptr;
  int max_step_tokens = 0;   // for the message of a step cut off
  int max_trace_tokens = 0;  // for the message of a trace cut off
};

// A request that stopped at the delimiter: its text is one step. Terminal
// when the step matches the answer rule, or when the model ended the text
// itself (vLLM's stop_reason null: end of sequence), then with the answer
// the rule finds, if any. Invalid when the step was cut off at
// max_step_tokens, is blank, or is not a legal `text` step.
void AppendStep(const CompletionChoice& choice, int64_t tokens,
                const StepText& rule, backend::Candidate& candidate);

// A request for the whole rest of the trace (max_steps = 0, no stop): its
// text split at the delimiter, blank steps skipped, up to and including the
// first step that matches the answer rule; the tokens after it are not
// counted. Terminal at that step or when the model ended the text; invalid
// when it was cut off at max_trace_tokens before either.
void ReadWholeTrace(const CompletionChoice& choice, int64_t tokens,
                    const StepText& rule, backend::Candidate& candidate);

}  // namespace arts::backends::openai

#endif  // ARTS_BACKENDS_OPENAI_CHOICE_STEPS_H_
