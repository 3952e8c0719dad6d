#ifndef ARTS_CORE_MODEL_MEMORY_REUSE_H_
#define ARTS_CORE_MODEL_MEMORY_REUSE_H_

namespace arts::model {

// Makes the C library keep freed memory for reuse instead of returning it to
// the system. A decode step allocates and frees the same few megabytes of
// tensors every few milliseconds; glibc serves blocks that large with mmap
// and unmaps them on free, so every step faulted its pages in afresh (a
// quarter of a busy generator's time, measured with perf). Idempotent;
// costs memory only up to the largest working set the process reaches.
void KeepFreedMemoryForReuse();

}  // namespace arts::model

#endif  // ARTS_CORE_MODEL_MEMORY_REUSE_H_
