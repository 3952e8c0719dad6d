#ifndef ARTS_CORE_COUNTDOWN_LEGAL_STEPS_H_
#define ARTS_CORE_COUNTDOWN_LEGAL_STEPS_H_

#include <string>
#include <vector>

#include "core/countdown/checker.h"
#include "core/countdown/step.h"

namespace arts::countdown {

// One step the calculator accepts from a state.
struct LegalStep {
  std::string head;  // `A op B =`, what the model writes
  Step step;         // completed by the calculator
  State next;        // the state after it
};

// Every legal next step from `state`: each ordered pair of numbers left and
// each operator, without division by zero or overflow, one per distinct head
// (equal numbers give equal heads), sorted by head. At most 48 from four
// numbers, 24 from three, 8 from two; none from a terminal state.
std::vector<LegalStep> LegalSteps(const State& state);

}  // namespace arts::countdown

#endif  // ARTS_CORE_COUNTDOWN_LEGAL_STEPS_H_
