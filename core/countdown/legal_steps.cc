#include "core/countdown/legal_steps.h"

#include <algorithm>
#include <utility>

namespace arts::countdown {

std::vector<LegalStep> LegalSteps(const State& state) {
  std::vector<LegalStep> steps;
  const std::vector<Rational>& left = state.left;
  for (size_t i = 0; i < left.size(); ++i) {
    for (size_t j = 0; j < left.size(); ++j) {
      if (i == j) continue;
      for (char op : {'+', '-', '*', '/'}) {
        absl::StatusOr<Step> step = CompleteStep(state, left[i], op, left[j]);
        if (!step.ok()) continue;  // division by zero or overflow
        State next{state.problem, step->left};
        steps.push_back(LegalStep{FormatStepHead(left[i], op, left[j]),
                                  *std::move(step), std::move(next)});
      }
    }
  }
  std::sort(
      steps.begin(), steps.end(),
      [](const LegalStep& a, const LegalStep& b) { return a.head < b.head; });
  steps.erase(std::unique(steps.begin(), steps.end(),
                          [](const LegalStep& a, const LegalStep& b) {
                            return a.head == b.head;
                          }),
              steps.end());
  return steps;
}

}  // namespace arts::countdown
