#ifndef ARTS_CORE_COUNTDOWN_CHECKER_H_
#define ARTS_CORE_COUNTDOWN_CHECKER_H_

#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "core/countdown/problem.h"
#include "core/countdown/step.h"

namespace arts::countdown {

// Where a trace stands: the numbers still to combine.
struct State {
  Problem problem;
  std::vector<Rational> left;

  bool terminal() const { return left.size() == 1; }
  bool correct() const { return terminal() && left[0] == problem.target; }
};

State InitialState(const Problem& problem);

// The calculator: completes `lhs op rhs` from `state` into a full step (the
// result and the numbers left, sorted ascending). Fails if an operand is not
// left, on division by zero or on overflow.
absl::StatusOr<Step> CompleteStep(const State& state, const Rational& lhs,
                                  char op, const Rational& rhs);

// Validates `step` against `state` (operands present, arithmetic exact, left
// list equal as a multiset) and returns the next state.
absl::StatusOr<State> ApplyStep(const State& state, const Step& step);

// The verdict on a whole trace (a problem plus step texts).
struct TraceVerdict {
  bool valid = true;      // every step parses and checks
  bool terminal = false;  // one number left
  bool correct = false;   // terminal and equal to the target
  int invalid_step = -1;  // index of the first bad step, -1 if none
  std::string reason;     // why the step is bad, empty if valid
  State state;            // the state after the last valid step
};

TraceVerdict CheckTrace(const Problem& problem,
                        const std::vector<std::string>& steps);

// The reward used for training and evaluation: 1 if correct, else 0.
inline double Reward(const TraceVerdict& verdict) {
  return verdict.correct ? 1.0 : 0.0;
}

}  // namespace arts::countdown

#endif  // ARTS_CORE_COUNTDOWN_CHECKER_H_
