#include "core/eval/pass_at_k_plot.h"

#include <algorithm>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/strings/str_replace.h"
#include "core/eval/svg.h"

namespace arts::eval {
namespace {

// Labels are user text (split names): escaped for XML.
std::string Escaped(const std::string& text) {
  return absl::StrReplaceAll(
      text, {{"&", "&amp;"}, {"<", "&lt;"}, {">", "&gt;"}, {"\"", "&quot;"}});
}

}  // namespace

std::string PassAtKSvg(const std::vector<PassAtKCurve>& curves) {
  constexpr double kWidth = 640, kHeight = 420, kLeft = 60, kBottom = 50,
                   kTop = 30, kRight = 170;
  size_t points = 1;
  for (const PassAtKCurve& c : curves)
    points = std::max(points, c.values.size());
  const double last = std::max<double>(1, points - 1);  // log2 of the largest k
  auto x = [&](double log2_k) {
    return kLeft + log2_k / last * (kWidth - kLeft - kRight);
  };
  auto y = [&](double pass) {
    return kHeight - kBottom - pass * (kHeight - kBottom - kTop);
  };
  std::string svg = absl::StrCat(
      SvgOpen(kWidth, kHeight, kLeft, "pass@k against k (unbiased estimate)"),
      SvgLine(x(0), y(0), x(last), y(0)), SvgLine(x(0), y(0), x(0), y(1)),
      absl::StrFormat("<text x=\"%.1f\" y=\"%.1f\" text-anchor=\"middle\">k "
                      "(samples per puzzle)</text>\n",
                      x(last / 2), kHeight - 12));
  for (int i = 0; i <= 5; ++i) {
    absl::StrAppendFormat(&svg,
                          "<text x=\"%.1f\" y=\"%.1f\" text-anchor=\"end\">"
                          "%d%%</text>\n",
                          x(0) - 4, y(i / 5.0) + 4, 20 * i);
  }
  for (size_t i = 0; i < points; ++i) {
    absl::StrAppendFormat(&svg,
                          "<text x=\"%.1f\" y=\"%.1f\" text-anchor=\"middle\">"
                          "%d</text>\n",
                          x(i), y(0) + 16, 1 << i);
  }
  for (const PassAtKCurve& c : curves) {
    if (c.values.empty()) continue;
    std::string path;
    for (size_t i = 0; i < c.values.size(); ++i) {
      absl::StrAppend(&path, i ? " " : "",
                      absl::StrFormat("%.1f,%.1f", x(i), y(c.values[i])));
    }
    absl::StrAppendFormat(&svg,
                          "<polyline points=\"%s\" fill=\"none\" stroke=\"%s\" "
                          "stroke-width=\"2\"%s/>\n<text x=\"%.1f\" y=\"%.1f\" "
                          "fill=\"%s\">%s</text>\n",
                          path, Escaped(c.color),
                          c.dashed ? " stroke-dasharray=\"6,4\"" : "",
                          x(c.values.size() - 1) + 6, y(c.values.back()) + 4,
                          Escaped(c.color), Escaped(c.label));
  }
  absl::StrAppend(&svg, "</svg>\n");
  return svg;
}

}  // namespace arts::eval
