#include "core/model/candidate_row.h"

#include <algorithm>
#include <utility>

#include "absl/strings/str_cat.h"
#include "core/countdown/step.h"
#include "core/model/sampling.h"

namespace arts::model {
namespace {

// Mixes a seed with an index (splitmix64), so that each candidate's stream
// does not depend on how the batch is scheduled.
uint64_t Mix(uint64_t seed, int index) {
  uint64_t z =
      seed + 0x9E3779B97F4A7C15ULL * (static_cast<uint64_t>(index) + 1);
  z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ULL;
  z = (z ^ (z >> 27)) * 0x94D049BB133111EBULL;
  return z ^ (z >> 31);
}

// The model has written a whole head `A op B =`: the calculator completes
// the step, or the candidate ends invalid. Returns the calculator's text to
// feed when the candidate goes on.
std::vector<int> CompleteHead(CandidateRow& row, int max_steps,
                              const Tokenizer& tokenizer) {
  absl::StatusOr<countdown::StepHead> head = countdown::ParseStepHead(row.head);
  absl::StatusOr<countdown::Step> step =
      head.ok()
          ? countdown::CompleteStep(row.state, head->lhs, head->op, head->rhs)
          : absl::StatusOr<countdown::Step>(head.status());
  if (!step.ok()) {
    FinishInvalid(row, std::string(step.status().message()));
    return {};
  }
  const std::string text = countdown::FormatStep(*step);
  row.candidate.steps.push_back(text);
  row.state.left = step->left;
  row.head.clear();
  row.constraint.reset();
  ++row.steps_done;
  if (row.state.terminal() || row.steps_done == max_steps) {
    row.candidate.terminal = row.state.terminal();
    if (row.candidate.terminal) {
      row.candidate.final_answer = countdown::JoinNumbers(row.state.left);
    }
    row.done = true;
    return {};
  }
  absl::StatusOr<std::vector<int>> tail =
      tokenizer.Encode(absl::StrCat(text.substr(text.find('=') + 1), "\n"));
  return *std::move(tail);
}

}  // namespace

uint64_t CandidateRowSeed(uint64_t seed, int prefix_index, int index) {
  const uint64_t prefix_seed =
      prefix_index == 0 ? seed
                        : Mix(seed ^ 0xD1B54A32D192ED03ULL, prefix_index);
  return Mix(prefix_seed, index);
}

void FinishInvalid(CandidateRow& row, std::string reason) {
  if (!row.head.empty()) row.candidate.steps.push_back(row.head);
  row.candidate.valid = false;
  row.candidate.invalid_reason = std::move(reason);
  row.done = true;
}

std::vector<int> NextTokens(CandidateRow& row, const float* logits,
                            const backend::ProposeRequest& request,
                            const Tokenizer& tokenizer, ProposeStats& stats) {
  const backend::SamplingParams& sampling = request.sampling;
  std::vector<bool> allowed(tokenizer.vocab_size(), true);
  allowed[Tokenizer::kPad] = allowed[Tokenizer::kBos] = false;
  if (sampling.constrained) {
    if (row.constraint == nullptr) {
      row.constraint = std::make_unique<HeadConstraint>(row.state);
    }
    allowed = row.constraint->Allowed(row.head, tokenizer);
    if (std::find(allowed.begin(), allowed.end(), true) == allowed.end()) {
      FinishInvalid(row, "no legal step from this state");
      return {};
    }
  }
  const SampledToken sampled = SampleToken(logits, allowed, sampling, row.rng);
  row.candidate.logprob += sampled.logprob;
  ++row.candidate.num_tokens;
  ++stats.tokens_generated;
  std::vector<int> feed = {sampled.token};
  const char ch = tokenizer.CharOf(sampled.token);
  if (ch == '\n') {
    FinishInvalid(row, "the step ended before 'A op B ='");
    return feed;
  }
  row.head.push_back(ch);
  if (ch == '=') {
    const std::vector<int> completion =
        CompleteHead(row, request.max_steps, tokenizer);
    stats.tokens_forced += static_cast<int64_t>(completion.size());
    feed.insert(feed.end(), completion.begin(), completion.end());
  } else if (static_cast<int>(row.head.size()) > kMaxHeadChars) {
    FinishInvalid(row,
                  absl::StrCat("no '=' within ", kMaxHeadChars, " characters"));
  }
  return feed;
}

}  // namespace arts::model
