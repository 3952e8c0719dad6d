#ifndef ARTS_CORE_VERIFIER_PREFIX_CACHE_H_
#define ARTS_CORE_VERIFIER_PREFIX_CACHE_H_

#include <torch/torch.h>

#include <cstdint>
#include <list>
#include <memory>
#include <mutex>
#include <string>
#include <unordered_map>
#include <vector>

namespace arts::verifier {

// A scored trace prefix: its keys and values, so that a trace extending it
// feeds only its new positions, and the log-flows at its step boundaries.
struct CachedPrefix {
  std::vector<torch::Tensor> keys;  // per layer [heads, length, head_dim]
  std::vector<torch::Tensor> values;
  std::vector<double> log_flows;  // entry i: after step i (0: the problem)
  int64_t length() const { return keys.empty() ? 0 : keys[0].size(1); }
  int64_t bytes() const;
};

// Scored prefixes by their text (problem and steps, each line ending in a
// newline), bounded in bytes, least recently used evicted first. A tree
// search scores a node's children right after the node, so a child finds
// its parent here and costs about its new step's positions. Thread-safe.
class PrefixCache {
 public:
  explicit PrefixCache(int64_t max_bytes) : max_bytes_(max_bytes) {}

  // The entry for `text`, marked recently used; nullptr when absent.
  std::shared_ptr<const CachedPrefix> Find(const std::string& text);
  // Adds or replaces the entry for `text`, then evicts down to the budget.
  // An entry larger than the whole budget is not kept.
  void Put(const std::string& text, std::shared_ptr<const CachedPrefix> entry);

  int64_t bytes() const;
  int64_t entries() const;
  int64_t max_bytes() const { return max_bytes_; }

 private:
  using Lru = std::list<std::string>;  // most recent first
  struct Slot {
    std::shared_ptr<const CachedPrefix> entry;
    Lru::iterator position;
  };

  const int64_t max_bytes_;
  mutable std::mutex mu_;
  Lru lru_;
  std::unordered_map<std::string, Slot> map_;
  int64_t bytes_ = 0;
};

}  // namespace arts::verifier

#endif  // ARTS_CORE_VERIFIER_PREFIX_CACHE_H_
