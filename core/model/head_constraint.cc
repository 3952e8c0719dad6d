#include "core/model/head_constraint.h"

#include <algorithm>

#include "absl/strings/match.h"
#include "core/countdown/step.h"

namespace arts::model {

HeadConstraint::HeadConstraint(const countdown::State& state) {
  const auto& left = state.left;
  for (size_t i = 0; i < left.size(); ++i) {
    for (size_t j = 0; j < left.size(); ++j) {
      if (i == j) continue;
      for (char op : {'+', '-', '*', '/'}) {
        if (countdown::ApplyOperator(left[i], op, left[j]).ok()) {
          heads_.push_back(countdown::FormatStepHead(left[i], op, left[j]));
        }
      }
    }
  }
  std::sort(heads_.begin(), heads_.end());
  heads_.erase(std::unique(heads_.begin(), heads_.end()), heads_.end());
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
