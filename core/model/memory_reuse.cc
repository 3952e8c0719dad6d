#include "core/model/memory_reuse.h"

#include <malloc.h>

#include <mutex>

namespace arts::model {

void KeepFreedMemoryForReuse() {
  static std::once_flag once;
  std::call_once(once, [] {
    // Blocks up to 1 GiB come from the heap, and the heap is trimmed only
    // past 1 GiB free at its top.
    mallopt(M_MMAP_THRESHOLD, 1 << 30);
    mallopt(M_TRIM_THRESHOLD, 1 << 30);
  });
}

void FreedMemoryTrimmer::MaybeTrim() {
  const absl::Time now = absl::Now();
  if (now - last_ < period_) return;
  last_ = now;
  malloc_trim(0);
}

}  // namespace arts::model
