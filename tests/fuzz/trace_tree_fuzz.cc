// libFuzzer target: reading a trace-tree file (docs/verifier.md) of
// arbitrary bytes. Every file must load or give an error naming the line;
// what loads must validate.

#include <unistd.h>

#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <string>

#include "core/verifier/trace_tree.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  static const std::string path =
      "/tmp/arts_trace_tree_fuzz." + std::to_string(getpid());
  FILE* file = std::fopen(path.c_str(), "wb");
  if (file == nullptr) return 0;
  std::fwrite(data, 1, size, file);
  std::fclose(file);
  absl::StatusOr<std::vector<arts::verifier::TraceTree>> trees =
      arts::verifier::ReadTreeFile(path);
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
