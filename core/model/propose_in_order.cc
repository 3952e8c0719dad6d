#include "core/model/propose_in_order.h"

#include <algorithm>
#include <utility>

namespace arts::model {

absl::StatusOr<std::vector<Candidate>> ProposeInOrder(
    const Generator& generator, const ProposeRequest& request) {
  std::vector<Candidate> candidates;
  absl::StatusOr<ProposeStats> stats = generator.Propose(
      request, [&](Candidate c) { candidates.push_back(std::move(c)); });
  if (!stats.ok()) return stats.status();
  std::sort(
      candidates.begin(), candidates.end(),
      [](const Candidate& a, const Candidate& b) { return a.index < b.index; });
  return candidates;
}

}  // namespace arts::model
