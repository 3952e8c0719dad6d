// A search tree as JSON: the file `arts solve --tree_out` and `arts-lab
// solve --tree_out` write, the page opens and `arts-lab render-tree` draws,
// and the shape of the tree in the HTTP API (docs/formats.md, "Search
// trees").
#ifndef ARTS_CORE_SEARCH_SEARCH_TREE_JSON_H_
#define ARTS_CORE_SEARCH_SEARCH_TREE_JSON_H_

#include <nlohmann/json.hpp>
#include <string>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "core/search/search_result.h"

namespace arts::search {

// The tree as one JSON object; `pretty`: indented, for files.
std::string SearchTreeJson(const SearchTree& tree, bool pretty = false);
// The same as a JSON value, to embed in other JSON (the HTTP API's).
nlohmann::json SearchTreeObject(const SearchTree& tree);
// One node as a JSON object, as in the tree's "nodes".
nlohmann::json TreeNodeObject(const TreeNode& node);
// Reads a tree. Errors (InvalidArgument) name the field, e.g.
// "nodes[3].parent: must name an earlier node, got 7".
absl::StatusOr<SearchTree> ParseSearchTreeJson(absl::string_view text);

std::string CheckName(Check check);

// A log value as JSON: minus infinity (F or pi of 0) has no JSON number, so
// a value that is not finite is null.
nlohmann::json FiniteOrNull(double value);

}  // namespace arts::search

#endif  // ARTS_CORE_SEARCH_SEARCH_TREE_JSON_H_
