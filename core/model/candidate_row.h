#ifndef ARTS_CORE_MODEL_CANDIDATE_ROW_H_
#define ARTS_CORE_MODEL_CANDIDATE_ROW_H_

#include <cstdint>
#include <memory>
#include <random>
#include <string>
#include <vector>

#include "core/backend/policy.h"
#include "core/countdown/checker.h"
#include "core/model/head_constraint.h"
#include "core/model/tokenizer.h"

namespace arts::model {

// The model writes `A op B =`; a head longer than this is a runaway.
inline constexpr int kMaxHeadChars = 32;

// Work spent on a Propose call.
struct ProposeStats {
  int64_t tokens_generated = 0;     // sampled by the model
  int64_t tokens_forced = 0;        // written by the calculator
  int64_t forward_passes = 0;       // passes the call's rows took part in
  int64_t positions_prefilled = 0;  // prefix tokens fed to the model
  int64_t positions_reused = 0;     // prefix tokens the prefix cache held
  double queue_seconds = 0;         // from Submit to joining the batch
  double compute_seconds = 0;       // from joining the batch to the end
};

// One candidate being sampled: a row of the batch. It owns its random
// stream, so what it samples does not depend on which other rows, of this
// call or of others, share its forward passes.
struct CandidateRow {
  backend::Candidate candidate;
  std::mt19937_64 rng;
  countdown::State state;
  std::string head;  // characters sampled for the current step
  std::unique_ptr<HeadConstraint> constraint;
  int steps_done = 0;
  bool done = false;
};

// The random stream of candidate `index` of prefix `prefix_index` of a call
// seeded with `seed`. Prefix 0 keeps the request's seed, so a one-prefix
// call samples what it always has; every other prefix gets its own stream.
uint64_t CandidateRowSeed(uint64_t seed, int prefix_index, int index);

// Ends a row's candidate as invalid; an unfinished head becomes its last
// step.
void FinishInvalid(CandidateRow& row, std::string reason);

// The tokens a row feeds next, sampled from `logits` (a row of vocab_size
// floats): one sampled character, or, when that character is the '=' that
// ends a head `A op B =`, the '=' followed by the calculator's completion
// " C (left: ...)\n" as one chunk. May finish the row, and then returns
// what was sampled, possibly nothing.
std::vector<int> NextTokens(CandidateRow& row, const float* logits,
                            const backend::ProposeRequest& request,
                            const Tokenizer& tokenizer, ProposeStats& stats);

}  // namespace arts::model

#endif  // ARTS_CORE_MODEL_CANDIDATE_ROW_H_
