#ifndef ARTS_CORE_MODEL_DECODE_BATCH_H_
#define ARTS_CORE_MODEL_DECODE_BATCH_H_

#include <cstdint>
#include <deque>
#include <functional>
#include <memory>
#include <vector>

#include "absl/status/status.h"
#include "absl/time/time.h"
#include "core/backend/policy.h"
#include "core/countdown/checker.h"
#include "core/model/candidate_row.h"
#include "core/model/kv_slots.h"
#include "core/model/prefix_index.h"
#include "core/model/tokenizer.h"
#include "core/model/transformer.h"

namespace arts::model {

// One Propose call, validated and encoded (Generator::Prepare), with where
// its results go. on_candidate and on_done are called from the thread that
// steps the batch; on_done exactly once, after the call's last candidate.
struct ProposeJob {
  backend::ProposeRequest request;
  std::vector<countdown::State> starts;    // after each prefix
  std::vector<std::vector<int>> prefixes;  // encoded, BOS first
  std::function<void(backend::Candidate)> on_candidate;
  std::function<bool()> cancelled;  // may be empty
  absl::Time deadline = absl::InfiniteFuture();
  std::function<void(absl::Status, const ProposeStats&)> on_done;
  absl::Time queued_at = absl::Now();  // for ProposeStats::queue_seconds

  int rows() const {
    return request.num_candidates * static_cast<int>(prefixes.size());
  }
};

// What one step did, for metrics.
struct StepReport {
  int rows = 0;            // rows that fed tokens
  int positions = 0;       // tokens fed, prefills included
  int forward_passes = 0;  // 0, 1 or 2 (single tokens, then chunks)
  int candidates = 0;      // finished this step
  int calls = 0;           // calls whose rows fed it: more than one is
                           // batching across calls (and searches)
  // Prefixes admitted this step: with the prefix cache, those that found a
  // cached prefix of themselves and the positions not fed again.
  int prefix_lookups = 0;
  int prefix_hits = 0;
  int positions_reused = 0;
  int positions_prefilled = 0;  // prefix tokens queued to be fed
};

// Continuous batching: the rows of every call in the batch share each
// forward pass; a call's prefixes join as rows free up and its rows leave
// as their candidates finish. Each prefix is read once and its keys and
// values copied to its candidates' slots (the fork). A step feeds every row
// one sampled token, or a chunk (a prefix, or a sampled '=' with the
// calculator's completion): single tokens in one pass, chunks in a second,
// so that a long chunk does not pad every other row. With the prefix cache
// on, a valid candidate's slot outlives its row (PrefixIndex), and a prefix
// that extends a cached one is fed from where that ends. Not thread-safe:
// one thread owns the batch and steps it.
class DecodeBatch {
 public:
  DecodeBatch(TransformerImpl& model, const Tokenizer& tokenizer, int max_rows,
              bool prefix_cache = false);
  ~DecodeBatch();

  // Takes a call. Its prefixes join in order, each as soon as its
  // candidates fit.
  void Add(std::unique_ptr<ProposeJob> job);

  // One step: ends calls that were cancelled or whose deadline passed
  // (their rows leave now), admits prefixes, samples, and runs the passes.
  // A model failure ends the calls in the step with INTERNAL.
  StepReport Step();

  // Calls not yet finished.
  int jobs() const { return static_cast<int>(jobs_.size()); }
  int active_rows() const { return static_cast<int>(rows_.size()); }
  // Slots no row holds: free ones and those the prefix cache may give back.
  int free_rows() const { return slots_.free_slots() + prefixes_.size(); }
  // What the prefix cache holds.
  int64_t cached_bytes() const {
    return prefixes_.size() * slots_.slot_bytes();
  }
  // Free rows not claimed by prefixes of added calls still waiting for
  // room; negative when those need more than is free.
  int unclaimed_rows() const;

 private:
  struct Job;
  struct Row;

  void EndJob(Job& job, absl::Status status);
  // A slot for a new row: a free one, else the prefix cache's least
  // recently used other than `keep` (else `keep` itself, taken out of the
  // cache).
  int TakeSlot(int keep);
  void EndRow(size_t index);
  void AdmitPrefixes(StepReport& report);
  // Runs one pass over `rows` (indices into rows_), feeding each its
  // `feed`; stores each row's logits at its last token.
  void Pass(const std::vector<size_t>& rows);
  void FinishCompletedJobs();

  TransformerImpl& model_;
  const Tokenizer& tokenizer_;
  KvSlots slots_;
  const bool prefix_cache_;
  PrefixIndex prefixes_;
  std::deque<std::unique_ptr<Job>> jobs_;
  std::vector<std::unique_ptr<Row>> rows_;
  int64_t passes_ = 0;
};

}  // namespace arts::model

#endif  // ARTS_CORE_MODEL_DECODE_BATCH_H_
