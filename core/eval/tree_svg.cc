#include "core/eval/tree_svg.h"

#include <algorithm>
#include <cmath>
#include <functional>
#include <set>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_replace.h"
#include "core/eval/svg.h"

namespace arts::eval {
namespace {

constexpr double kColumn = 22;  // the page's spacing
constexpr double kRow = 70;
constexpr double kMargin = 30;
constexpr double kGap = 60;  // between trees
constexpr double kTitle = 40;

struct Point {
  double x = 0, y = 0;
};

std::string Escape(const std::string& text) {
  return absl::StrReplaceAll(
      text, {{"&", "&amp;"}, {"<", "&lt;"}, {">", "&gt;"}, {"\"", "&quot;"}});
}

// The page's colour of F.
std::string FlowColor(const search::TreeNode& node) {
  if (!node.log_flow.has_value()) return "#aaaaaa";
  const double f = std::isfinite(*node.log_flow)
                       ? std::min(1.0, std::exp(*node.log_flow))
                       : 0.0;
  int r, g, b;
  if (f < 0.5) {
    r = 221;
    g = static_cast<int>(std::lround(51 + f * 2 * (187 - 51)));
    b = 51;
  } else {
    r = static_cast<int>(std::lround(221 - (f - 0.5) * 2 * (221 - 51)));
    g = static_cast<int>(std::lround(187 - (f - 0.5) * 2 * (187 - 170)));
    b = static_cast<int>(std::lround(51 + (f - 0.5) * 2 * (85 - 51)));
  }
  return absl::StrFormat("#%02x%02x%02x", r, g, b);
}

double Radius(const search::TreeNode& node) {
  return std::max(3.0,
                  std::min(14.0, 2 + std::sqrt(static_cast<double>(
                                         std::max<int64_t>(0, node.tokens)))));
}

bool Closed(const search::TreeNode& node) {
  return node.state == search::NodeState::kBeaten ||
         node.state == search::NodeState::kBudget ||
         node.state == search::NodeState::kDead ||
         node.state == search::NodeState::kInvalid;
}

// Positions by id, relative to the tree's own origin.
std::vector<Point> Layout(const search::SearchTree& tree) {
  const size_t n = tree.nodes.size();
  std::vector<std::vector<int>> children(n);
  for (const search::TreeNode& node : tree.nodes) {
    if (node.parent >= 0 && static_cast<size_t>(node.parent) < n) {
      children[node.parent].push_back(node.id);
    }
  }
  std::vector<Point> at(n);
  double column = 0;
  std::function<double(int, int)> place = [&](int id, int depth) {
    double x;
    if (children[id].empty()) {
      x = column++;
    } else {
      double first = 1e300, last = -1e300;
      for (int child : children[id]) {
        const double cx = place(child, depth + 1);
        first = std::min(first, cx);
        last = std::max(last, cx);
      }
      x = (first + last) / 2;
    }
    at[id] = {x * kColumn, depth * kRow};
    return x;
  };
  if (n > 0) place(0, 0);
  return at;
}

}  // namespace

std::string SearchTreesSvg(const std::vector<TreeFigure>& figures) {
  std::vector<std::vector<Point>> layouts;
  std::vector<double> widths;
  double width = kMargin, height = 0;
  for (const TreeFigure& figure : figures) {
    layouts.push_back(Layout(figure.tree));
    double w = 0, h = 0;
    for (const Point& p : layouts.back()) {
      w = std::max(w, p.x);
      h = std::max(h, p.y);
    }
    widths.push_back(std::max(w, 320.0));
    width += widths.back() + kGap;
    height = std::max(height, h);
  }
  height += kTitle + 2 * kMargin + 20;
  std::string svg = SvgOpen(width, height, kMargin, "");
  double left = kMargin;
  for (size_t f = 0; f < figures.size(); ++f) {
    const search::SearchTree& tree = figures[f].tree;
    const std::vector<Point>& at = layouts[f];
    const auto X = [&](int id) { return left + at[id].x; };
    const auto Y = [&](int id) { return kTitle + kMargin + at[id].y; };
    std::string title = figures[f].title;
    if (title.empty()) title = absl::StrCat(tree.strategy, ": ", tree.problem);
    absl::StrAppendFormat(
        &svg, "<text x=\"%.0f\" y=\"%.0f\" font-size=\"13\">%s</text>\n", left,
        kTitle - 10, Escape(title));
    absl::StrAppendFormat(
        &svg,
        "<text x=\"%.0f\" y=\"%.0f\" fill=\"#555\">%d nodes, %d tokens, "
        "stopped: %s</text>\n",
        left, kTitle + 6, static_cast<int>(tree.nodes.size()),
        static_cast<int>(tree.cost.tokens_generated), Escape(tree.stop_reason));
    std::set<int> path;
    for (const search::TreeNode& node : tree.nodes) {
      if (node.answer_rank != 1) continue;
      for (int id = node.id; id >= 0; id = tree.nodes[id].parent) {
        path.insert(id);
      }
    }
    for (const search::TreeNode& node : tree.nodes) {
      if (node.id == 0 || node.parent < 0) continue;
      const bool gold = path.count(node.id) > 0;
      absl::StrAppendFormat(
          &svg,
          "<line x1=\"%.1f\" y1=\"%.1f\" x2=\"%.1f\" y2=\"%.1f\" "
          "stroke=\"%s\" stroke-width=\"%d\" opacity=\"%s\"/>\n",
          X(node.parent), Y(node.parent), X(node.id), Y(node.id),
          gold ? "#e6a800" : "#999999", gold ? 4 : 1,
          Closed(node) ? "0.25" : "1");
    }
    for (const search::TreeNode& node : tree.nodes) {
      std::string tip = node.id == 0 ? std::string("the problem")
                                     : absl::StrJoin(node.steps, " | ");
      absl::StrAppendFormat(
          &svg,
          "<circle cx=\"%.1f\" cy=\"%.1f\" r=\"%.1f\" fill=\"%s\" "
          "opacity=\"%s\"%s><title>%s</title></circle>\n",
          X(node.id), Y(node.id), Radius(node), FlowColor(node),
          Closed(node) ? "0.3" : "1",
          node.answer_rank == 1 ? " stroke=\"#e6a800\" stroke-width=\"3\"" : "",
          Escape(tip));
      if (node.terminal) {
        absl::StrAppendFormat(&svg, "<text x=\"%.1f\" y=\"%.1f\">%s</text>\n",
                              X(node.id) - 6, Y(node.id) + Radius(node) + 12,
                              Escape(node.answer));
      }
    }
    left += widths[f] + kGap;
  }
  absl::StrAppend(&svg, "</svg>\n");
  return svg;
}

}  // namespace arts::eval
