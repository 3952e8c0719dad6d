// libFuzzer target: loading a checkpoint file (docs/models.md) of arbitrary
// bytes. A missing, truncated, corrupt or oversized file must give an error
// that names it, never a crash or an allocation the file's size does not
// justify.

#include <unistd.h>

#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <string>

#include "core/model/checkpoint.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  static const std::string path =
      "/tmp/arts_checkpoint_fuzz." + std::to_string(getpid());
  FILE* file = std::fopen(path.c_str(), "wb");
  if (file == nullptr) return 0;
  std::fwrite(data, 1, size, file);
  std::fclose(file);
  (void)arts::model::LoadCheckpoint(path, "generator");
  return 0;
}
