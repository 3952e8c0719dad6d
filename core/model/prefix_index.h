#ifndef ARTS_CORE_MODEL_PREFIX_INDEX_H_
#define ARTS_CORE_MODEL_PREFIX_INDEX_H_

#include <cstdint>
#include <list>
#include <vector>

#include "absl/container/flat_hash_map.h"

namespace arts::model {

// The generator's prefix cache, without the tensors: which idle slots of a
// KvSlots hold the keys and values of which token sequences, least recently
// used first. A candidate that finishes leaves its slot here (the prefix
// and its new step), and the next round's prefix, which extends it, is then
// prefilled from where it ends instead of from the start. The entries live
// only in slots no row needs: the batch takes the oldest back whenever it
// needs a slot, so the cache is bounded by the batch's own slots (bytes:
// KvSlots::slot_bytes() each) and never delays a row. Not thread-safe: the
// batch's thread owns it.
class PrefixIndex {
 public:
  // Records that `slot` holds `tokens`. Returns the slot the caller must
  // release: -1, or `slot` itself when another slot holds the same tokens
  // already (that one stays, as the most recently used).
  int Insert(std::vector<int> tokens, int slot);

  struct Match {
    int slot = -1;  // -1: no entry is a prefix
    int length = 0;
  };
  // The entry with the longest sequence that is a prefix of `tokens` and at
  // most `max_length` long, now the most recently used.
  Match Longest(const std::vector<int>& tokens, int max_length);

  // Removes the least recently used entry other than `keep` and returns its
  // slot; -1 when there is none.
  int EvictOldest(int keep = -1);
  // Removes `slot`'s entry, if it has one.
  void Remove(int slot);

  int size() const { return static_cast<int>(entries_.size()); }

 private:
  struct Entry {
    std::vector<int> tokens;
    int slot;
    uint64_t hash;
  };
  using Entries = std::list<Entry>;

  void Erase(Entries::iterator entry);

  Entries entries_;  // least recently used first
  absl::flat_hash_map<uint64_t, std::vector<Entries::iterator>> by_hash_;
  absl::flat_hash_map<int, Entries::iterator> by_slot_;
};

}  // namespace arts::model

#endif  // ARTS_CORE_MODEL_PREFIX_INDEX_H_
