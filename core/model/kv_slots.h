#ifndef ARTS_CORE_MODEL_KV_SLOTS_H_
#define ARTS_CORE_MODEL_KV_SLOTS_H_

#include <torch/torch.h>

#include <cstdint>
#include <set>
#include <vector>

#include "core/model/transformer.h"

namespace arts::model {

// The keys and values of every row being sampled, in a fixed number of
// slots allocated once: each layer's keys are one [slots, heads, max_len,
// head_dim] tensor, and a row owns one slot for its whole life. Rows from
// different requests, at different lengths, share every forward pass
// (continuous batching) without their caches being copied as the batch
// changes; a finished row's slot is reused by the next row.
class KvSlots {
 public:
  KvSlots(const TransformerConfig& config, int slots);

  int capacity() const { return static_cast<int>(lengths_.size()); }
  int free_slots() const { return static_cast<int>(free_.size()); }
  // Takes the lowest free slot, empty; -1 when none is free. Lowest first
  // keeps the slots in use together, so that Past can read them in place.
  int Acquire();
  void Release(int slot);
  int length(int slot) const { return lengths_[slot]; }
  // What one slot's keys and values take, in bytes.
  int64_t slot_bytes() const;

  // The past of `slots`, in that order, for TransformerImpl::ForwardRagged:
  // read in place when the slots are dense enough in the range they span
  // (at least half of it), else copied. Reading in place computes attention
  // over the whole range, so a sparse range would cost more than the copy
  // it saves; a dense one saves copying every row's keys and values at
  // every pass (the larger part of a decode pass's memory traffic). A
  // decode pass without autograd reads in place whatever the range
  // (DecodeAttention): DecodeBatch calls InPlace for it.
  RaggedPast Past(const std::vector<int>& slots) const;
  // Copies of the columns up to the longest row.
  RaggedPast Copied(const std::vector<int>& slots) const;
  // Views of the range of slots from the smallest to the largest of
  // `slots`, with RaggedPast::rows naming each row's entry in it.
  RaggedPast InPlace(const std::vector<int>& slots) const;
  // Appends the first counts[r] new positions of row r of `step` to slot
  // slots[r].
  void Append(const std::vector<int>& slots, const std::vector<int>& counts,
              const RaggedStep& step);
  // Makes slot `to` a copy of slot `from` (a prefix forked into candidates).
  void Copy(int from, int to);

 private:
  std::vector<torch::Tensor> keys_;  // per layer
  std::vector<torch::Tensor> values_;
  std::vector<int> lengths_;
  std::set<int> free_;
};

}  // namespace arts::model

#endif  // ARTS_CORE_MODEL_KV_SLOTS_H_
