#ifndef ARTS_CORE_EVAL_TREE_SVG_H_
#define ARTS_CORE_EVAL_TREE_SVG_H_

#include <string>
#include <vector>

#include "core/search/search_result.h"

namespace arts::eval {

// Search trees as one static SVG, side by side, in the search page's
// visual language: leaves one column apart, a parent over its children,
// depth by rows; a node coloured by F (red at 0, yellow at 1/2, green at 1,
// grey unscored), sized by its tokens, faded when the search closed it
// unexpanded; the best answer's path in gold; each tree titled.
struct TreeFigure {
  search::SearchTree tree;
  std::string title;  // empty: strategy and problem
};
std::string SearchTreesSvg(const std::vector<TreeFigure>& figures);

}  // namespace arts::eval

#endif  // ARTS_CORE_EVAL_TREE_SVG_H_
