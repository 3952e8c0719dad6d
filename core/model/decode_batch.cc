#include "core/model/decode_batch.h"

#include <c10/core/InferenceMode.h>

#include <algorithm>
#include <exception>
#include <set>
#include <utility>

#include "absl/strings/str_cat.h"
#include "core/model/compute_threads.h"

namespace arts::model {

struct DecodeBatch::Job {
  std::unique_ptr<ProposeJob> spec;
  int next_prefix = 0;  // prefixes before it have rows
  int live_rows = 0;
  ProposeStats stats;
  int64_t last_pass = -1;  // counts each pass once in stats
  bool ended = false;
  absl::Time joined = absl::Now();
};

struct DecodeBatch::Row {
  Job* job = nullptr;
  CandidateRow sample;
  int slot = -1;
  std::vector<float> logits;  // at the last token fed
  std::vector<int> feed;      // tokens to feed this step
  Row* fork_of = nullptr;     // copies this row's cache after the pass
  bool dead = false;
  std::vector<int> tokens;  // what its slot holds (with the prefix cache)
};

DecodeBatch::DecodeBatch(TransformerImpl& model, const Tokenizer& tokenizer,
                         int max_rows, bool prefix_cache)
    : model_(model),
      tokenizer_(tokenizer),
      slots_(model.config(), max_rows),
      prefix_cache_(prefix_cache) {}

DecodeBatch::~DecodeBatch() {
  for (auto& job : jobs_) {
    if (!job->ended) EndJob(*job, absl::CancelledError("the batch was shut"));
  }
}

void DecodeBatch::Add(std::unique_ptr<ProposeJob> spec) {
  auto job = std::make_unique<Job>();
  job->spec = std::move(spec);
  job->stats.queue_seconds =
      std::max(0.0, absl::ToDoubleSeconds(job->joined - job->spec->queued_at));
  jobs_.push_back(std::move(job));
}

int DecodeBatch::unclaimed_rows() const {
  int claimed = 0;
  for (const auto& job : jobs_) {
    const int waiting =
        static_cast<int>(job->spec->prefixes.size()) - job->next_prefix;
    claimed += waiting * job->spec->request.num_candidates;
  }
  return free_rows() - claimed;
}

int DecodeBatch::TakeSlot(int keep) {
  if (slots_.free_slots() == 0) {
    const int evicted = prefixes_.EvictOldest(keep);
    if (evicted >= 0) {
      slots_.Release(evicted);
    } else if (keep >= 0) {
      prefixes_.Remove(keep);  // the row takes the cached slot as it is
      return keep;
    }
  }
  return slots_.Acquire();
}

void DecodeBatch::EndJob(Job& job, absl::Status status) {
  for (auto& row : rows_) {
    if (row->job == &job && !row->dead) {
      row->dead = true;
      slots_.Release(row->slot);
    }
  }
  job.live_rows = 0;
  job.ended = true;
  job.stats.compute_seconds = absl::ToDoubleSeconds(absl::Now() - job.joined);
  job.spec->on_done(std::move(status), job.stats);
}

void DecodeBatch::AdmitPrefixes(StepReport& report) {
  for (auto& job : jobs_) {
    const ProposeJob& spec = *job->spec;
    const int n = spec.request.num_candidates;
    while (job->next_prefix < static_cast<int>(spec.prefixes.size())) {
      if (free_rows() < n) return;  // calls start in order
      const int p = job->next_prefix++;
      const std::vector<int>& prefix = spec.prefixes[p];
      // At least the last token is fed, for the logits that sampling needs.
      PrefixIndex::Match cached;
      if (prefix_cache_) {
        cached = prefixes_.Longest(prefix, static_cast<int>(prefix.size()) - 1);
        ++report.prefix_lookups;
        if (cached.slot >= 0) {
          ++report.prefix_hits;
          report.positions_reused += cached.length;
        }
      }
      Row* leader = nullptr;
      for (int i = 0; i < n; ++i) {
        auto row = std::make_unique<Row>();
        row->job = job.get();
        row->slot = TakeSlot(leader == nullptr ? cached.slot : -1);
        row->sample.candidate.prefix_index = p;
        row->sample.candidate.index = i;
        row->sample.rng.seed(
            CandidateRowSeed(spec.request.sampling.seed, p, i));
        row->sample.state = spec.starts[p];
        if (leader == nullptr) {
          if (cached.slot >= 0 && row->slot != cached.slot) {
            slots_.Copy(cached.slot, row->slot);
          }
          row->feed.assign(prefix.begin() + cached.length, prefix.end());
          if (prefix_cache_) {
            row->tokens.assign(prefix.begin(), prefix.begin() + cached.length);
          }
          job->stats.positions_reused += cached.length;
          job->stats.positions_prefilled +=
              static_cast<int64_t>(row->feed.size());
          report.positions_prefilled += static_cast<int>(row->feed.size());
          leader = row.get();
        } else {
          row->fork_of = leader;
        }
        rows_.push_back(std::move(row));
        ++job->live_rows;
      }
    }
  }
}

void DecodeBatch::EndRow(size_t index) {
  Row& row = *rows_[index];
  row.dead = true;
  // A valid step that does not end the trace is what the next round's
  // prefixes extend: its slot stays, in the prefix cache.
  const backend::Candidate& candidate = row.sample.candidate;
  int release = row.slot;
  if (prefix_cache_ && candidate.valid && !candidate.terminal &&
      static_cast<int>(row.tokens.size()) == slots_.length(row.slot)) {
    release = prefixes_.Insert(std::move(row.tokens), row.slot);
  }
  if (release >= 0) slots_.Release(release);
  --row.job->live_rows;
  row.job->spec->on_candidate(std::move(row.sample.candidate));
}

void DecodeBatch::Pass(const std::vector<size_t>& rows) {
  const int64_t pass = ++passes_;
  size_t time = 0;
  std::vector<int> slots, counts;
  for (size_t r : rows) {
    time = std::max(time, rows_[r]->feed.size());
    slots.push_back(rows_[r]->slot);
    counts.push_back(static_cast<int>(rows_[r]->feed.size()));
    Job& job = *rows_[r]->job;
    if (job.last_pass != pass) {
      job.last_pass = pass;
      ++job.stats.forward_passes;
    }
  }
  std::vector<int64_t> tokens(rows.size() * time, Tokenizer::kPad);
  for (size_t i = 0; i < rows.size(); ++i) {
    std::copy(rows_[rows[i]]->feed.begin(), rows_[rows[i]]->feed.end(),
              tokens.begin() + static_cast<int64_t>(i * time));
  }
  const torch::Tensor input = torch::tensor(tokens, torch::kLong)
                                  .view({static_cast<int64_t>(rows.size()),
                                         static_cast<int64_t>(time)});
  // A decode pass reads every row's keys and values where they lie, however
  // scattered its slots (DecodeAttention touches only the rows' own).
  const RaggedStep step = model_.ForwardRagged(
      input, time == 1 ? slots_.InPlace(slots) : slots_.Past(slots), counts);
  slots_.Append(slots, counts, step);
  std::vector<int64_t> last(counts.begin(), counts.end());
  for (int64_t& c : last) --c;
  const torch::Tensor logits =
      step.outputs
          .index({torch::arange(static_cast<int64_t>(rows.size())),
                  torch::tensor(last, torch::kLong)})
          .to(torch::kFloat)
          .contiguous();
  const int64_t vocab = logits.size(1);
  const float* data = logits.data_ptr<float>();
  for (size_t i = 0; i < rows.size(); ++i) {
    Row& row = *rows_[rows[i]];
    row.logits.assign(data + i * vocab, data + (i + 1) * vocab);
    if (prefix_cache_) {
      row.tokens.insert(row.tokens.end(), row.feed.begin(), row.feed.end());
    }
    row.feed.clear();
  }
}

void DecodeBatch::FinishCompletedJobs() {
  for (auto& job : jobs_) {
    if (!job->ended && job->live_rows == 0 &&
        job->next_prefix == static_cast<int>(job->spec->prefixes.size())) {
      job->ended = true;
      job->stats.compute_seconds =
          absl::ToDoubleSeconds(absl::Now() - job->joined);
      job->spec->on_done(absl::OkStatus(), job->stats);
    }
  }
  rows_.erase(std::remove_if(rows_.begin(), rows_.end(),
                             [](const auto& row) { return row->dead; }),
              rows_.end());
  jobs_.erase(std::remove_if(jobs_.begin(), jobs_.end(),
                             [](const auto& job) { return job->ended; }),
              jobs_.end());
}

StepReport DecodeBatch::Step() {
  UseComputeThreadsOnThisThread();
  // Without it every pass would record an autograd graph through the slots,
  // one that never ends: memory and time would grow with every step.
  // Inference mode, more than no-grad, also skips the version counters and
  // autograd's dispatch on every operation (docs/BENCHMARKS.md).
  c10::InferenceMode inference;
  StepReport report;
  const absl::Time now = absl::Now();
  for (auto& job : jobs_) {
    if (job->spec->cancelled && job->spec->cancelled()) {
      EndJob(*job, absl::CancelledError("the request was cancelled"));
    } else if (now >= job->spec->deadline) {
      EndJob(*job,
             absl::DeadlineExceededError("the deadline passed while sampling"));
    }
  }
  AdmitPrefixes(report);

  const int max_len = model_.config().max_len;
  std::vector<size_t> singles, chunks;
  for (size_t i = 0; i < rows_.size(); ++i) {
    Row& row = *rows_[i];
    if (row.dead || row.fork_of != nullptr) continue;
    if (row.feed.empty()) {
      row.feed = NextTokens(row.sample, row.logits.data(),
                            row.job->spec->request, tokenizer_, row.job->stats);
      if (!row.sample.done &&
          slots_.length(row.slot) + static_cast<int>(row.feed.size()) >=
              max_len) {
        FinishInvalid(row.sample, "the trace outgrew the model's context");
      }
      if (row.sample.done) {
        EndRow(i);
        ++report.candidates;
        continue;
      }
    }
    (row.feed.size() == 1 ? singles : chunks).push_back(i);
    report.positions += static_cast<int>(row.feed.size());
  }
  report.rows = static_cast<int>(singles.size() + chunks.size());
  std::set<const Job*> fed;
  for (const auto* pass : {&singles, &chunks}) {
    for (size_t i : *pass) fed.insert(rows_[i]->job);
  }
  report.calls = static_cast<int>(fed.size());
  try {
    for (const auto* pass : {&singles, &chunks}) {
      if (pass->empty()) continue;
      Pass(*pass);
      ++report.forward_passes;
    }
  } catch (const std::exception& e) {
    const absl::Status failure =
        absl::InternalError(absl::StrCat("model failure: ", e.what()));
    for (auto& job : jobs_) {
      if (!job->ended) EndJob(*job, failure);
    }
  }
  for (auto& row : rows_) {
    if (row->dead || row->fork_of == nullptr) continue;
    slots_.Copy(row->fork_of->slot, row->slot);
    row->logits = row->fork_of->logits;
    row->tokens = row->fork_of->tokens;
    row->fork_of = nullptr;
  }
  FinishCompletedJobs();
  return report;
}

}  // namespace arts::model
