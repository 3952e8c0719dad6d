#ifndef ARTS_CORE_COUNTDOWN_SOLVER_H_
#define ARTS_CORE_COUNTDOWN_SOLVER_H_

#include <string>
#include <vector>

#include "absl/container/flat_hash_map.h"
#include "core/countdown/checker.h"

namespace arts::countdown {

// Facts about a state from exhaustive search over every step sequence.
struct SolveFacts {
  bool solvable = false;
  // Distinct solution traces: step sequences whose texts differ after writing
  // the operands of + and * larger first and sorting each left list. Copies of
  // the same number are not told apart.
  int num_solutions = 0;
  // True when solvable and every solution has a non-integer intermediate.
  bool needs_fraction = false;
  // One solution (step texts), empty if none.
  std::vector<std::string> example;
};

SolveFacts Solve(const State& state);
inline SolveFacts Solve(const Problem& problem) {
  return Solve(InitialState(problem));
}

// Fast check used for labelling states: is the target still reachable?
bool IsSolvable(const State& state);

// Answers of IsSolvable by state (the target and the numbers left), for a
// caller that asks about many related states, as the exact verifier does:
// traces of one problem share their states, and so do the states the search
// behind each answer visits.
using SolvableMemo = absl::flat_hash_map<std::string, bool>;

// IsSolvable, reading and filling `memo` for every state of three or more
// numbers it visits (smaller ones cost less to solve than to look up).
bool IsSolvable(const State& state, SolvableMemo& memo);

}  // namespace arts::countdown

#endif  // ARTS_CORE_COUNTDOWN_SOLVER_H_
