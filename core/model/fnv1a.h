#ifndef ARTS_CORE_MODEL_FNV1A_H_
#define ARTS_CORE_MODEL_FNV1A_H_

#include <cstddef>
#include <cstdint>

namespace arts::model {

// 64-bit FNV-1a: a stable hash of bytes, the same on every platform and
// build (checkpoint checksums, the state network's value buckets).
inline uint64_t Fnv1a(const char* data, size_t size) {
  uint64_t hash = 1469598103934665603ULL;
  for (size_t i = 0; i < size; ++i) {
    hash ^= static_cast<unsigned char>(data[i]);
    hash *= 1099511628211ULL;
  }
  return hash;
}

}  // namespace arts::model

#endif  // ARTS_CORE_MODEL_FNV1A_H_
