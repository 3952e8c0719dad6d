#include "core/model/prefix_index.h"

#include <algorithm>
#include <utility>

#include "core/model/fnv1a.h"

namespace arts::model {
namespace {

uint64_t HashAppend(uint64_t hash, int token) {
  return Fnv1aAppend(hash, reinterpret_cast<const char*>(&token),
                     sizeof(token));
}

uint64_t HashOf(const std::vector<int>& tokens) {
  uint64_t hash = kFnv1aStart;
  for (int token : tokens) hash = HashAppend(hash, token);
  return hash;
}

}  // namespace

int PrefixIndex::Insert(std::vector<int> tokens, int slot) {
  const uint64_t hash = HashOf(tokens);
  if (auto found = by_hash_.find(hash); found != by_hash_.end()) {
    for (Entries::iterator entry : found->second) {
      if (entry->tokens == tokens) {
        entries_.splice(entries_.end(), entries_, entry);
        return slot;
      }
    }
  }
  entries_.push_back({std::move(tokens), slot, hash});
  const Entries::iterator entry = std::prev(entries_.end());
  by_hash_[hash].push_back(entry);
  by_slot_[slot] = entry;
  return -1;
}

PrefixIndex::Match PrefixIndex::Longest(const std::vector<int>& tokens,
                                        int max_length) {
  Match best;
  Entries::iterator best_entry = entries_.end();
  uint64_t hash = kFnv1aStart;
  const int limit = std::min(max_length, static_cast<int>(tokens.size()));
  for (int length = 1; length <= limit; ++length) {
    hash = HashAppend(hash, tokens[length - 1]);
    const auto found = by_hash_.find(hash);
    if (found == by_hash_.end()) continue;
    for (Entries::iterator entry : found->second) {
      if (static_cast<int>(entry->tokens.size()) == length &&
          std::equal(entry->tokens.begin(), entry->tokens.end(),
                     tokens.begin())) {
        best = {entry->slot, length};
        best_entry = entry;
        break;
      }
    }
  }
  if (best_entry != entries_.end()) {
    entries_.splice(entries_.end(), entries_, best_entry);
  }
  return best;
}

int PrefixIndex::EvictOldest(int keep) {
  for (auto entry = entries_.begin(); entry != entries_.end(); ++entry) {
    if (entry->slot == keep) continue;
    const int slot = entry->slot;
    Erase(entry);
    return slot;
  }
  return -1;
}

void PrefixIndex::Remove(int slot) {
  if (auto found = by_slot_.find(slot); found != by_slot_.end()) {
    Erase(found->second);
  }
}

void PrefixIndex::Erase(Entries::iterator entry) {
  auto bucket = by_hash_.find(entry->hash);
  std::vector<Entries::iterator>& list = bucket->second;
  list.erase(std::find(list.begin(), list.end(), entry));
  if (list.empty()) by_hash_.erase(bucket);
  by_slot_.erase(entry->slot);
  entries_.erase(entry);
}

}  // namespace arts::model
