#include "backends/openai/choice_steps.h"

#include <utility>
#include <vector>

#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"
#include "core/task/text_task.h"

namespace arts::backends::openai {
namespace {

// The logprob and token count of the text before byte `end` (all of it
// when the server sent no offsets).
void CountTokens(const CompletionChoice& choice, int64_t tokens, size_t end,
                 backend::Candidate& candidate) {
  if (choice.token_logprobs.empty()) {
    candidate.num_tokens += static_cast<int>(tokens);
    return;
  }
  const bool offsets = !choice.text_offsets.empty();
  for (size_t t = 0; t < choice.token_logprobs.size(); ++t) {
    // Offsets count from the prompt's start on some servers: relative to
    // the first token, they count from the completion's start.
    if (offsets && static_cast<size_t>(choice.text_offsets[t] -
                                       choice.text_offsets[0]) >= end) {
      break;
    }
    candidate.logprob += choice.token_logprobs[t];
    ++candidate.num_tokens;
  }
}

void MarkInvalid(std::string reason, backend::Candidate& candidate) {
  candidate.valid = false;
  candidate.invalid_reason = std::move(reason);
}

// Adds `step`, then checks it as a `text` step and against the answer rule.
void AddStep(std::string step, const StepText& rule,
             backend::Candidate& candidate) {
  const task::TraceCheck check = task::TextTask().CheckTrace("-", {step});
  candidate.steps.push_back(std::move(step));
  if (!check.legal) {
    MarkInvalid(check.reason, candidate);
    return;
  }
  if (std::optional<std::string> answer =
          rule.answers->FinalAnswer(candidate.steps.back())) {
    candidate.terminal = true;
    candidate.final_answer = *std::move(answer);
  }
}

}  // namespace

void AppendStep(const CompletionChoice& choice, int64_t tokens,
                const StepText& rule, backend::Candidate& candidate) {
  std::string step = choice.text;
  // Servers leave the stop string out; one that keeps it loses it here.
  if (!rule.delimiter.empty() && step.size() >= rule.delimiter.size() &&
      step.compare(step.size() - rule.delimiter.size(), rule.delimiter.size(),
                   rule.delimiter) == 0) {
    step.resize(step.size() - rule.delimiter.size());
  }
  CountTokens(choice, tokens, choice.text.size(), candidate);
  const bool ended = choice.finish_reason == "stop" && choice.ended_by_model;
  if (choice.finish_reason == "length") {
    candidate.steps.push_back(std::move(step));
    MarkInvalid(absl::StrCat("the step did not end within ",
                             rule.max_step_tokens, " tokens"),
                candidate);
    return;
  }
  if (absl::StripAsciiWhitespace(step).empty()) {
    candidate.steps.push_back(std::move(step));
    MarkInvalid(
        ended ? "the model ended the trace without a step" : "a blank step",
        candidate);
    return;
  }
  AddStep(std::move(step), rule, candidate);
  if (ended && candidate.valid) candidate.terminal = true;
}

void ReadWholeTrace(const CompletionChoice& choice, int64_t tokens,
                    const StepText& rule, backend::Candidate& candidate) {
  const std::string& text = choice.text;
  size_t begin = 0;
  size_t end_of_trace = text.size();
  while (begin <= text.size()) {
    size_t end = rule.delimiter.empty() ? std::string::npos
                                        : text.find(rule.delimiter, begin);
    if (end == std::string::npos) end = text.size();
    std::string step = text.substr(begin, end - begin);
    begin = end + rule.delimiter.size();
    if (absl::StripAsciiWhitespace(step).empty()) {
      if (end == text.size()) break;
      continue;
    }
    AddStep(std::move(step), rule, candidate);
    if (!candidate.valid || candidate.terminal) {
      end_of_trace = end;
      break;
    }
    if (end == text.size()) break;
  }
  CountTokens(choice, tokens, end_of_trace, candidate);
  if (!candidate.valid || candidate.terminal) return;
  if (choice.finish_reason == "length") {
    MarkInvalid(absl::StrCat("the trace did not end within ",
                             rule.max_trace_tokens, " tokens"),
                candidate);
    return;
  }
  if (candidate.steps.empty()) {
    MarkInvalid("the model ended the trace without a step", candidate);
    return;
  }
  candidate.terminal = true;  // the model ended it, without an answer
}

}  // namespace arts::backends::openai
