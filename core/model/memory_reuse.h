#ifndef ARTS_CORE_MODEL_MEMORY_REUSE_H_
#define ARTS_CORE_MODEL_MEMORY_REUSE_H_

#include "absl/time/clock.h"
#include "absl/time/time.h"

namespace arts::model {

// Makes the C library keep freed memory for reuse instead of returning it to
// the system. A decode step allocates and frees the same few megabytes of
// tensors every few milliseconds; glibc serves blocks that large with mmap
// and unmaps them on free, so every step faulted its pages in afresh (a
// quarter of a busy generator's time, measured with perf). Idempotent.
// The heap then only grows: tensors of ever new sizes leave free holes
// that it keeps (the soak saw a generator at 1.1 GB, 555 MB of it free), so
// a long-running loop also calls FreedMemoryTrimmer.
void KeepFreedMemoryForReuse();

// Returns the heap's free pages to the system (malloc_trim) at most once
// every `period`, from the loop that calls MaybeTrim: memory stays bounded
// by the working set of the last period, and the pages faulted back in
// cost a fraction of a percent. Not thread-safe: one per loop.
class FreedMemoryTrimmer {
 public:
  explicit FreedMemoryTrimmer(absl::Duration period = absl::Seconds(10))
      : period_(period) {}
  void MaybeTrim();

 private:
  const absl::Duration period_;
  absl::Time last_ = absl::Now();
};

}  // namespace arts::model

#endif  // ARTS_CORE_MODEL_MEMORY_REUSE_H_
