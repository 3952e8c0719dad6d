#ifndef ARTS_CORE_COUNTDOWN_EXACT_VALUE_H_
#define ARTS_CORE_COUNTDOWN_EXACT_VALUE_H_

#include <string>
#include <vector>

#include "core/countdown/problem.h"
#include "core/countdown/solver.h"

namespace arts::countdown {

// The exact verifier's log F of a state from which the target can no longer
// be reached. A learned verifier's floor is about as low (log epsilon of the
// terminal loss, docs/verifier.md), so the two rank on the same scale; any
// finite value far below log 1/2 would do.
inline constexpr double kExactDeadLogFlow = -20;

// The exact verifier: log F of every prefix of `steps` (entry 0 the problem
// alone, entry i after step i), 0 while the target is still reachable from
// the state after those steps (the solver says so) and kExactDeadLogFlow
// from the first prefix on which it is not. An illegal step (one the checker
// refuses, or any step after the trace ended) makes that prefix and every
// later one dead; a complete trace is 0 when correct, dead when not. This is
// the ceiling a learned verifier is measured against: it knows whether a
// state can still be won, not how likely the generator is to win it.
std::vector<double> ExactLogFlows(const Problem& problem,
                                  const std::vector<std::string>& steps,
                                  SolvableMemo& memo);

}  // namespace arts::countdown

#endif  // ARTS_CORE_COUNTDOWN_EXACT_VALUE_H_
