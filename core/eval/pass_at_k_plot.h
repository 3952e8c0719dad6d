#ifndef ARTS_CORE_EVAL_PASS_AT_K_PLOT_H_
#define ARTS_CORE_EVAL_PASS_AT_K_PLOT_H_

#include <string>
#include <vector>

namespace arts::eval {

// One line of a pass@k plot: values at k = 1, 2, 4, ... (a log2 axis).
struct PassAtKCurve {
  std::string label;
  std::string color;    // any SVG colour
  bool dashed = false;  // e.g. the RL model, against the base drawn solid
  std::vector<double> values;
};

// A self-contained SVG: pass@k (0-100%) against k on a log2 axis, each
// curve named at its right end.
std::string PassAtKSvg(const std::vector<PassAtKCurve>& curves);

}  // namespace arts::eval

#endif  // ARTS_CORE_EVAL_PASS_AT_K_PLOT_H_
