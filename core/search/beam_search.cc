// Step-level beam search: every step, each of the B beams proposes k next
// steps (all in one generator call), the verifier scores all of them in one
// call, and the B best
// partial traces by log F go on. Complete traces leave the beam as answers.
#include <algorithm>

#include "core/search/strategies.h"

namespace arts::search {

absl::StatusOr<StrategyOutcome> RunBeam(SearchContext& context) {
  const SearchOptions& options = context.options();
  StrategyOutcome outcome;
  std::vector<Node> beams(1);
  while (!beams.empty()) {
    outcome.stop_reason = context.SpentBudget();
    if (!outcome.stop_reason.empty()) return outcome;
    // Every beam's proposals in one generator call; the best beams first
    // when the expansion budget cannot pay for all of them.
    beams.resize(context.AffordableExpansions(static_cast<int>(beams.size())));
    absl::StatusOr<std::vector<std::vector<Node>>> proposed = context.Expand(
        ConstPointers(beams), *options.proposals, /*to_the_end=*/false);
    if (!proposed.ok()) return proposed.status();
    std::vector<Node> children;
    for (std::vector<Node>& group : *proposed) {
      for (Node& child : group) children.push_back(std::move(child));
    }
    children = LegalDistinct(std::move(children));
    absl::Status scored = context.Score(Pointers(children));
    if (!scored.ok()) return scored;
    std::vector<Node> open;
    for (Node& child : children) {
      if (child.terminal) {
        AddAnswer(context, child, outcome);
      } else {
        open.push_back(std::move(child));
      }
    }
    std::stable_sort(open.begin(), open.end(),
                     [](const Node& a, const Node& b) {
                       return a.log_flow() > b.log_flow();
                     });
    if (static_cast<int>(open.size()) > options.beam_width) {
      open.resize(options.beam_width);
    }
    beams = std::move(open);
    context.ReportExpansion(static_cast<int>(beams.size()));
  }
  outcome.stop_reason = "done";
  return outcome;
}

}  // namespace arts::search
