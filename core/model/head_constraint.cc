#include "core/model/head_constraint.h"

#include <algorithm>

#include "absl/strings/match.h"
#include "core/countdown/legal_steps.h"

namespace arts::model {

HeadConstraint::HeadConstraint(const countdown::State& state) {
  // One definition of a legal step serves decoding and the verifier's
  // backups; it comes sorted by head and distinct.
  for (countdown::LegalStep& step : countdown::LegalSteps(state)) {
    heads_.push_back(std::move(step.head));
  }
}

std::vector<bool> HeadConstraint::Allowed(const std::string& partial,
                                          const Tokenizer& tokenizer) const {
  std::vector<bool> allowed(tokenizer.vocab_size(), false);
  // Heads sharing the prefix are contiguous in sorted order.
  auto it = std::lower_bound(heads_.begin(), heads_.end(), partial);
  for (; it != heads_.end() && absl::StartsWith(*it, partial); ++it) {
    if (it->size() > partial.size()) {
      allowed[tokenizer.TokenOf((*it)[partial.size()])] = true;
    }
  }
  return allowed;
}

}  // namespace arts::model
