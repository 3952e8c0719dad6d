#ifndef ARTS_CORE_SEARCH_PROGRESS_EVENTS_H_
#define ARTS_CORE_SEARCH_PROGRESS_EVENTS_H_

#include <functional>
#include <limits>

#include "core/search/search_result.h"

namespace arts::search {

// A search's progress, told to its EventSink (SolveStream's events): after
// each round of expansions, and whenever a better complete trace turns up.
class ProgressEvents {
 public:
  // `sink` may be empty; `cost` reads what the search has spent so far.
  ProgressEvents(EventSink sink, std::function<CostReceipt()> cost)
      : sink_(std::move(sink)), cost_(std::move(cost)) {}

  void Expansion(int frontier);
  // Told only when `answer` is complete and beats every answer before it.
  void OfferAnswer(const Answer& answer);

 private:
  EventSink sink_;
  std::function<CostReceipt()> cost_;
  double best_score_ = -std::numeric_limits<double>::infinity();
};

}  // namespace arts::search

#endif  // ARTS_CORE_SEARCH_PROGRESS_EVENTS_H_
