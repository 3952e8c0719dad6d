#include "core/model/kv_slots.h"

#include <algorithm>

namespace arts::model {

using torch::indexing::Slice;

KvSlots::KvSlots(const TransformerConfig& config, int slots)
    : lengths_(slots, 0) {
  const int64_t heads = config.num_heads;
  const int64_t head_dim = config.d_model / heads;
  for (int i = 0; i < config.num_layers; ++i) {
    keys_.push_back(torch::zeros({slots, heads, config.max_len, head_dim}));
    values_.push_back(torch::zeros({slots, heads, config.max_len, head_dim}));
  }
  for (int s = 0; s < slots; ++s) free_.insert(s);
}

int KvSlots::Acquire() {
  if (free_.empty()) return -1;
  const int slot = *free_.begin();
  free_.erase(free_.begin());
  lengths_[slot] = 0;
  return slot;
}

void KvSlots::Release(int slot) { free_.insert(slot); }

int64_t KvSlots::slot_bytes() const {
  int64_t bytes = 0;
  for (const auto* list : {&keys_, &values_}) {
    for (const torch::Tensor& t : *list) {
      bytes += t[0].numel() * static_cast<int64_t>(t.element_size());
    }
  }
  return bytes;
}

namespace {

// The rows' lengths, and the longest.
int64_t PastLengths(const std::vector<int>& slots,
                    const std::vector<int>& lengths, RaggedPast& past) {
  std::vector<int64_t> by_row;
  int64_t width = 0;
  for (int slot : slots) {
    by_row.push_back(lengths[slot]);
    width = std::max<int64_t>(width, lengths[slot]);
  }
  past.lengths = torch::tensor(by_row, torch::kLong);
  return width;
}

}  // namespace

RaggedPast KvSlots::Past(const std::vector<int>& slots) const {
  if (slots.empty()) return Copied(slots);
  const auto [low, high] = std::minmax_element(slots.begin(), slots.end());
  const int64_t range = *high - *low + 1;
  return range <= 2 * static_cast<int64_t>(slots.size()) ? InPlace(slots)
                                                         : Copied(slots);
}

RaggedPast KvSlots::Copied(const std::vector<int>& slots) const {
  RaggedPast past;
  const int64_t width = PastLengths(slots, lengths_, past);
  if (width == 0) return past;
  const torch::Tensor index = torch::tensor(
      std::vector<int64_t>(slots.begin(), slots.end()), torch::kLong);
  for (size_t i = 0; i < keys_.size(); ++i) {
    past.keys.push_back(keys_[i].narrow(2, 0, width).index_select(0, index));
    past.values.push_back(
        values_[i].narrow(2, 0, width).index_select(0, index));
  }
  return past;
}

RaggedPast KvSlots::InPlace(const std::vector<int>& slots) const {
  RaggedPast past;
  const int64_t width = PastLengths(slots, lengths_, past);
  if (width == 0) return past;
  const auto [lowest, highest] =
      std::minmax_element(slots.begin(), slots.end());
  const int low = *lowest, high = *highest;
  std::vector<int64_t> rows;
  for (int slot : slots) rows.push_back(slot - low);
  past.rows = torch::tensor(rows, torch::kLong);
  for (size_t i = 0; i < keys_.size(); ++i) {
    past.keys.push_back(
        keys_[i].narrow(0, low, high - low + 1).narrow(2, 0, width));
    past.values.push_back(
        values_[i].narrow(0, low, high - low + 1).narrow(2, 0, width));
  }
  return past;
}

void KvSlots::Append(const std::vector<int>& slots,
                     const std::vector<int>& counts, const RaggedStep& step) {
  // One scatter per layer: (slot, position) of every real new token.
  std::vector<int64_t> flat, slot_of, position_of;
  const int64_t time = step.keys[0].size(2);
  for (size_t r = 0; r < slots.size(); ++r) {
    for (int j = 0; j < counts[r]; ++j) {
      flat.push_back(static_cast<int64_t>(r) * time + j);
      slot_of.push_back(slots[r]);
      position_of.push_back(lengths_[slots[r]] + j);
    }
    lengths_[slots[r]] += counts[r];
  }
  if (flat.empty()) return;
  const torch::Tensor flat_index = torch::tensor(flat, torch::kLong);
  const torch::Tensor slot_index = torch::tensor(slot_of, torch::kLong);
  const torch::Tensor position_index = torch::tensor(position_of, torch::kLong);
  for (size_t i = 0; i < keys_.size(); ++i) {
    for (auto [store, fresh] : {std::pair{&keys_[i], &step.keys[i]},
                                std::pair{&values_[i], &step.values[i]}}) {
      // [rows, heads, time, dim] -> [rows * time, heads, dim], real ones.
      const torch::Tensor rows =
          fresh->permute({0, 2, 1, 3})
              .reshape({-1, fresh->size(1), fresh->size(3)})
              .index_select(0, flat_index);
      store->index_put_({slot_index, Slice(), position_index}, rows);
    }
  }
}

void KvSlots::Copy(int from, int to) {
  const int64_t n = lengths_[from];
  for (auto* list : {&keys_, &values_}) {
    for (torch::Tensor& t : *list) {
      t[to].narrow(1, 0, n).copy_(t[from].narrow(1, 0, n));
    }
  }
  lengths_[to] = lengths_[from];
}

}  // namespace arts::model
