#ifndef ARTS_SERVER_OPENAI_SEARCH_PAGE_H_
#define ARTS_SERVER_OPENAI_SEARCH_PAGE_H_

#include "absl/strings/string_view.h"

namespace arts::openai {

// The page the HTTP API serves at GET / (docs/search.md, "Watching a
// search"): one HTML file with its script and style inline, no library. It
// runs a search through POST /v1/chat/completions with arts.trace_tree and
// draws the tree as its node events arrive, or opens a saved tree.json.
// Its source is server/openai/search_page.html, compiled in at build time.
absl::string_view SearchPage();

}  // namespace arts::openai

#endif  // ARTS_SERVER_OPENAI_SEARCH_PAGE_H_
