// libFuzzer target: a checkpoint (docs/models.md) of arbitrary bytes,
// through the parser LoadCheckpoint uses. A truncated, corrupt or oversized
// file must give an error that names it, never a crash or an allocation the
// file's size does not justify.

#include <cstddef>
#include <cstdint>
#include <string>

#include "core/model/checkpoint.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string bytes(reinterpret_cast<const char*>(data), size);
  (void)arts::model::ParseCheckpoint("fuzz.ckpt", bytes, "generator");
  return 0;
}
