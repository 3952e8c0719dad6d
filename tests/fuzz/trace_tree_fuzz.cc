// libFuzzer target: a trace-tree file (docs/verifier.md) of arbitrary
// bytes, through the reader ReadTreeFile uses. Every file must load or give
// an error naming the line; what loads must validate.

#include <cstddef>
#include <cstdint>
#include <sstream>
#include <string>

#include "core/verifier/trace_tree.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::istringstream in(std::string(reinterpret_cast<const char*>(data), size));
  absl::StatusOr<std::vector<arts::verifier::TraceTree>> trees =
      arts::verifier::ParseTreeFile("fuzz.txt", in);
  if (trees.ok()) {
    for (const arts::verifier::TraceTree& tree : *trees) {
      if (!tree.Validate().ok()) __builtin_trap();
      for (size_t i = 0; i < tree.nodes.size(); ++i) {
        (void)tree.StepsTo(static_cast<int>(i));
      }
    }
  }
  return 0;
}
