#include "core/verifier/prefix_cache.h"

#include <utility>

namespace arts::verifier {

int64_t CachedPrefix::bytes() const {
  int64_t n = static_cast<int64_t>(log_flows.size() * sizeof(double));
  for (const auto* list : {&keys, &values}) {
    for (const torch::Tensor& t : *list) n += t.numel() * t.element_size();
  }
  return n;
}

std::shared_ptr<const CachedPrefix> PrefixCache::Find(const std::string& text) {
  std::lock_guard<std::mutex> lock(mu_);
  auto it = map_.find(text);
  if (it == map_.end()) return nullptr;
  lru_.splice(lru_.begin(), lru_, it->second.position);
  return it->second.entry;
}

void PrefixCache::Put(const std::string& text,
                      std::shared_ptr<const CachedPrefix> entry) {
  const int64_t size = entry->bytes() + static_cast<int64_t>(text.size());
  if (size > max_bytes_) return;
  std::lock_guard<std::mutex> lock(mu_);
  if (auto it = map_.find(text); it != map_.end()) {
    bytes_ -= it->second.entry->bytes() + static_cast<int64_t>(text.size());
    lru_.erase(it->second.position);
    map_.erase(it);
  }
  lru_.push_front(text);
  map_[text] = Slot{std::move(entry), lru_.begin()};
  bytes_ += size;
  while (bytes_ > max_bytes_ && !lru_.empty()) {
    auto victim = map_.find(lru_.back());
    bytes_ -= victim->second.entry->bytes() +
              static_cast<int64_t>(victim->first.size());
    map_.erase(victim);
    lru_.pop_back();
  }
}

int64_t PrefixCache::bytes() const {
  std::lock_guard<std::mutex> lock(mu_);
  return bytes_;
}

int64_t PrefixCache::entries() const {
  std::lock_guard<std::mutex> lock(mu_);
  return static_cast<int64_t>(map_.size());
}

}  // namespace arts::verifier
