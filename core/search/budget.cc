#include "core/search/budget.h"

#include <algorithm>
#include <cstdint>

namespace arts::search {

std::string Budget::Spent() const {
  if (*options_.max_tokens > 0 &&
      spent_.tokens_generated >= *options_.max_tokens) {
    return "token budget";
  }
  if (options_.max_expansions > 0 &&
      spent_.expansions >= options_.max_expansions) {
    return "expansion budget";
  }
  return "";
}

int Budget::AffordableExpansions(int wanted) const {
  if (options_.max_expansions <= 0) return wanted;
  const int64_t left = options_.max_expansions - spent_.expansions;
  return static_cast<int>(
      std::max<int64_t>(0, std::min<int64_t>(wanted, left)));
}

}  // namespace arts::search
