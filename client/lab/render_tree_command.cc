// `arts-lab render-tree`: saved search trees (docs/formats.md, "Search
// trees") as one static SVG, side by side, in the search page's visual
// language, for papers.
#include <iostream>
#include <string>
#include <vector>

#include "absl/flags/flag.h"
#include "absl/strings/str_cat.h"
#include "client/lab/commands.h"
#include "core/eval/tree_svg.h"
#include "core/io/atomic_file.h"
#include "core/io/read_file.h"
#include "core/search/search_tree_json.h"

ABSL_FLAG(std::vector<std::string>, trees, {},
          "the tree.json files to draw, left to right (arts solve "
          "--tree_out, the search page's trees)");
ABSL_FLAG(std::vector<std::string>, titles, {},
          "a title for each tree, in order; default: its strategy and "
          "problem");
ABSL_FLAG(std::string, svg_out, "",
          "where the SVG goes; empty: standard output");

namespace arts::cli {
namespace {

struct RenderTreeOptions {
  std::vector<std::string> trees;
  std::vector<std::string> titles;
  std::string out;
};

absl::StatusOr<RenderTreeOptions> ParseRenderTreeOptions(FlagReader& flags) {
  RenderTreeOptions options;
  options.trees = flags(FLAGS_trees);
  options.titles = flags(FLAGS_titles);
  options.out = flags(FLAGS_svg_out);
  if (!options.titles.empty() &&
      options.titles.size() != options.trees.size()) {
    return absl::InvalidArgumentError(
        absl::StrCat("--titles: one per tree (", options.trees.size(),
                     " trees, ", options.titles.size(), " titles)"));
  }
  return options;
}

int RunRenderTree(const RenderTreeOptions& options) {
  if (options.trees.empty()) {
    std::cerr << "render-tree: --trees: name at least one tree.json\n";
    return 2;
  }
  std::vector<eval::TreeFigure> figures;
  for (size_t i = 0; i < options.trees.size(); ++i) {
    absl::StatusOr<std::string> text = io::ReadWholeFile(options.trees[i]);
    if (!text.ok()) {
      std::cerr << "render-tree: " << text.status().message() << "\n";
      return 2;
    }
    absl::StatusOr<search::SearchTree> tree =
        search::ParseSearchTreeJson(*text);
    if (!tree.ok()) {
      std::cerr << "render-tree: " << options.trees[i] << ": "
                << tree.status().message() << "\n";
      return 2;
    }
    figures.push_back(
        {*std::move(tree), options.titles.empty() ? "" : options.titles[i]});
  }
  const std::string svg = eval::SearchTreesSvg(figures);
  if (options.out.empty()) {
    std::cout << svg;
    return 0;
  }
  if (absl::Status s = io::WriteFileAtomically(options.out, svg); !s.ok()) {
    std::cerr << "render-tree: --svg_out: " << s.message() << "\n";
    return 1;
  }
  return 0;
}

}  // namespace

Command RenderTreeCommand() {
  return MakeCommand<RenderTreeOptions>(
      "render-tree", "draw saved search trees as one SVG, side by side",
      ParseRenderTreeOptions, RunRenderTree);
}

}  // namespace arts::cli
