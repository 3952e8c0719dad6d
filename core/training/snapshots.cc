#include "core/training/snapshots.h"

#include <filesystem>

#include "absl/strings/str_cat.h"

namespace arts::training {

std::string SnapshotPath(const std::string& output, int64_t step) {
  return absl::StrCat(output, ".step", step);
}

Snapshot NewestSnapshot(const std::string& output, int64_t steps) {
  for (int64_t step = steps; step > 0; --step) {
    std::string path = SnapshotPath(output, step);
    if (std::filesystem::exists(path)) return {step, std::move(path)};
  }
  return {};
}

}  // namespace arts::training
