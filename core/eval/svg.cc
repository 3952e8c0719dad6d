#include "core/eval/svg.h"

#include "absl/strings/str_format.h"

namespace arts::eval {

std::string SvgOpen(double width, double height, double title_x,
                    absl::string_view title) {
  return absl::StrFormat(
      "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"%.0f\" "
      "height=\"%.0f\" font-family=\"sans-serif\" font-size=\"11\">\n"
      "<rect width=\"100%%\" height=\"100%%\" fill=\"white\"/>\n"
      "<text x=\"%.0f\" y=\"18\" font-size=\"13\">%s</text>\n",
      width, height, title_x, title);
}

std::string SvgLine(double x1, double y1, double x2, double y2) {
  return absl::StrFormat(
      "<line x1=\"%.1f\" y1=\"%.1f\" x2=\"%.1f\" y2=\"%.1f\" "
      "stroke=\"black\"/>\n",
      x1, y1, x2, y2);
}

}  // namespace arts::eval
