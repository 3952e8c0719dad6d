#ifndef ARTS_CORE_EVAL_SVG_H_
#define ARTS_CORE_EVAL_SVG_H_

#include <string>

#include "absl/strings/string_view.h"

namespace arts::eval {

// The pieces every plot of the evaluation shares, so that they look alike.

// Opens a `width` x `height` SVG on a white ground with `title` (already
// escaped) at (title_x, 18). Close it with "</svg>\n".
std::string SvgOpen(double width, double height, double title_x,
                    absl::string_view title);

// A black line, e.g. an axis.
std::string SvgLine(double x1, double y1, double x2, double y2);

}  // namespace arts::eval

#endif  // ARTS_CORE_EVAL_SVG_H_
