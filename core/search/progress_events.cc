#include "core/search/progress_events.h"

namespace arts::search {

void ProgressEvents::Expansion(int frontier) {
  if (!sink_) return;
  SearchEvent event;
  event.kind = SearchEvent::Kind::kExpansion;
  event.cost = cost_();
  event.frontier = frontier;
  sink_(event);
}

void ProgressEvents::OfferAnswer(const Answer& answer) {
  if (!answer.terminal || !(answer.score > best_score_)) return;
  best_score_ = answer.score;
  if (!sink_) return;
  SearchEvent event;
  event.kind = SearchEvent::Kind::kBestSoFar;
  event.cost = cost_();
  event.best = answer;
  sink_(event);
}

}  // namespace arts::search
