#ifndef ARTS_CORE_MODEL_FNV1A_H_
#define ARTS_CORE_MODEL_FNV1A_H_

#include <cstddef>
#include <cstdint>

namespace arts::model {

// 64-bit FNV-1a: a stable hash of bytes, the same on every platform and
// build (checkpoint checksums, the state network's value buckets, the
// generator's prefix cache).
inline constexpr uint64_t kFnv1aStart = 1469598103934665603ULL;

// The hash of what `hash` covered followed by `data`: a running hash, so
// that every prefix of a sequence is hashed in one pass.
inline uint64_t Fnv1aAppend(uint64_t hash, const char* data, size_t size) {
  for (size_t i = 0; i < size; ++i) {
    hash ^= static_cast<unsigned char>(data[i]);
    hash *= 1099511628211ULL;
  }
  return hash;
}

inline uint64_t Fnv1a(const char* data, size_t size) {
  return Fnv1aAppend(kFnv1aStart, data, size);
}

}  // namespace arts::model

#endif  // ARTS_CORE_MODEL_FNV1A_H_
