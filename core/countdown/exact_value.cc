#include "core/countdown/exact_value.h"

#include <utility>

#include "absl/status/statusor.h"
#include "core/countdown/checker.h"
#include "core/countdown/step.h"

namespace arts::countdown {
namespace {

// Moves `state` on by the step `text`; false when the step is illegal
// (unreadable, refused by the checker, or written after the trace ended) or
// leaves the target out of reach.
bool StillAlive(State& state, const std::string& text, SolvableMemo& memo) {
  if (state.terminal()) return false;
  absl::StatusOr<Step> step = ParseStep(text);
  if (!step.ok()) return false;
  absl::StatusOr<State> next = ApplyStep(state, *step);
  if (!next.ok()) return false;
  state = *std::move(next);
  return IsSolvable(state, memo);
}

}  // namespace

std::vector<double> ExactLogFlows(const Problem& problem,
                                  const std::vector<std::string>& steps,
                                  SolvableMemo& memo) {
  std::vector<double> log_flows;
  log_flows.reserve(steps.size() + 1);
  State state = InitialState(problem);
  bool alive = IsSolvable(state, memo);
  log_flows.push_back(alive ? 0 : kExactDeadLogFlow);
  for (const std::string& step : steps) {
    // Once dead, always dead: nothing after a lost state is looked at.
    alive = alive && StillAlive(state, step, memo);
    log_flows.push_back(alive ? 0 : kExactDeadLogFlow);
  }
  return log_flows;
}

}  // namespace arts::countdown
