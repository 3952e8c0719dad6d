#ifndef ARTS_CORE_SEARCH_BUDGET_H_
#define ARTS_CORE_SEARCH_BUDGET_H_

#include <string>

#include "core/search/search_options.h"
#include "core/search/search_result.h"

namespace arts::search {

// A search's token and expansion budgets, read against what it has spent
// (the gateway's count), so a plan asks before each round.
class Budget {
 public:
  // Both must outlive the budget; `options` with the strategy's defaults.
  Budget(const SearchOptions& options, const CostReceipt& spent)
      : options_(options), spent_(spent) {}

  // The budget that is spent ("token budget", "expansion budget"), or empty
  // while the search may go on.
  std::string Spent() const;
  // How many of `wanted` parents the expansion budget still allows, so that
  // a round never expands more nodes than the budget has left.
  int AffordableExpansions(int wanted) const;

 private:
  const SearchOptions& options_;
  const CostReceipt& spent_;
};

}  // namespace arts::search

#endif  // ARTS_CORE_SEARCH_BUDGET_H_
