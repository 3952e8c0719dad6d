#include "core/model/generator.h"

#include <deque>
#include <random>
#include <utility>

#include "absl/status/status.h"
#include "absl/strings/str_cat.h"
#include "core/countdown/step.h"
#include "core/model/compute_threads.h"
#include "core/model/head_constraint.h"
#include "core/model/sampling.h"
#include "core/model/transformer_checkpoint.h"

namespace arts::model {
namespace {

constexpr char kKind[] = "generator";

absl::Status FieldError(absl::string_view field, absl::string_view why) {
  return absl::InvalidArgumentError(absl::StrCat(field, ": ", why));
}

// One candidate being sampled: a row of the batch.
struct Row {
  Candidate candidate;
  std::mt19937_64 rng;
  countdown::State state;
  std::string head;        // characters sampled for the current step
  std::deque<int> forced;  // calculator tokens still to feed
  std::unique_ptr<HeadConstraint> constraint;
  int steps_done = 0;
  bool done = false;
};

// Mixes the request seed with the candidate index so that each candidate's
// sample does not depend on how the batch is scheduled.
uint64_t CandidateSeed(uint64_t seed, int index) {
  uint64_t z =
      seed + 0x9E3779B97F4A7C15ULL * (static_cast<uint64_t>(index) + 1);
  z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ULL;
  z = (z ^ (z >> 27)) * 0x94D049BB133111EBULL;
  return z ^ (z >> 31);
}

// The BOS token and the text of the request's prefix `prefix_index`, or
// INVALID_ARGUMENT when it does not fit the model's context.
absl::StatusOr<std::vector<int>> EncodePrefix(const Tokenizer& tokenizer,
                                              int max_len,
                                              const ProposeRequest& request,
                                              int prefix_index) {
  const std::vector<std::string>& steps = request.prefixes.empty()
                                              ? std::vector<std::string>()
                                              : request.prefixes[prefix_index];
  absl::StatusOr<std::vector<int>> prefix =
      tokenizer.Encode(Tokenizer::TraceText(request.problem, steps));
  if (!prefix.ok()) return FieldError("problem", prefix.status().message());
  prefix->insert(prefix->begin(), Tokenizer::kBos);
  if (static_cast<int>(prefix->size()) >= max_len) {
    return FieldError(absl::StrCat("prefixes[", prefix_index, "]"),
                      absl::StrCat("the trace is longer than the model's "
                                   "context of ",
                                   max_len, " characters"));
  }
  return prefix;
}

// Prefix 0 keeps the request's seed, so a one-prefix call samples what it
// always has; every other prefix gets its own stream.
uint64_t PrefixSeed(uint64_t seed, int prefix_index) {
  return prefix_index == 0
             ? seed
             : CandidateSeed(seed ^ 0xD1B54A32D192ED03ULL, prefix_index);
}

// Ends a row's candidate as invalid: its last step is what the model wrote.
void FinishInvalid(Row& row, std::string reason) {
  row.candidate.steps.push_back(row.head);
  row.candidate.valid = false;
  row.candidate.invalid_reason = std::move(reason);
  row.done = true;
}

// The model has written a whole head `A op B =`: the calculator completes
// the step, or the candidate ends invalid. Queues the calculator's text when
// the candidate goes on.
void CompleteHead(Row& row, int max_steps, const Tokenizer& tokenizer) {
  absl::StatusOr<countdown::StepHead> head = countdown::ParseStepHead(row.head);
  absl::StatusOr<countdown::Step> step =
      head.ok()
          ? countdown::CompleteStep(row.state, head->lhs, head->op, head->rhs)
          : absl::StatusOr<countdown::Step>(head.status());
  if (!step.ok()) {
    FinishInvalid(row, std::string(step.status().message()));
    return;
  }
  const std::string text = countdown::FormatStep(*step);
  row.candidate.steps.push_back(text);
  row.state.left = step->left;
  row.head.clear();
  row.constraint.reset();
  ++row.steps_done;
  if (row.state.terminal() || row.steps_done == max_steps) {
    row.candidate.terminal = row.state.terminal();
    if (row.candidate.terminal) {
      row.candidate.final_answer = countdown::JoinNumbers(row.state.left);
    }
    row.done = true;
    return;
  }
  // The sampled '=' is fed next; the calculator's " C (left: ...)\n"
  // follows, one token per pass.
  absl::StatusOr<std::vector<int>> tail =
      tokenizer.Encode(absl::StrCat(text.substr(text.find('=') + 1), "\n"));
  row.forced.assign(tail->begin(), tail->end());
}

// The token a row feeds next: the calculator's next character if it is
// writing, else one the model samples from `logits` (which may finish the
// row). Returns kPad for a row that finished without a token to feed.
int NextToken(Row& row, const float* logits, const ProposeRequest& request,
              const Tokenizer& tokenizer, ProposeStats& stats) {
  if (!row.forced.empty()) {
    const int token = row.forced.front();
    row.forced.pop_front();
    ++stats.tokens_forced;
    return token;
  }
  const SamplingParams& sampling = request.sampling;
  std::vector<bool> allowed(tokenizer.vocab_size(), true);
  allowed[Tokenizer::kPad] = allowed[Tokenizer::kBos] = false;
  if (sampling.constrained) {
    if (row.constraint == nullptr) {
      row.constraint = std::make_unique<HeadConstraint>(row.state);
    }
    allowed = row.constraint->Allowed(row.head, tokenizer);
    if (std::find(allowed.begin(), allowed.end(), true) == allowed.end()) {
      FinishInvalid(row, "no legal step from this state");
      return Tokenizer::kPad;
    }
  }
  const SampledToken sampled = SampleToken(logits, allowed, sampling, row.rng);
  row.candidate.logprob += sampled.logprob;
  ++row.candidate.num_tokens;
  ++stats.tokens_generated;
  const char ch = tokenizer.CharOf(sampled.token);
  if (ch == '\n') {
    FinishInvalid(row, "the step ended before 'A op B ='");
    return sampled.token;
  }
  row.head.push_back(ch);
  if (ch == '=') {
    CompleteHead(row, request.max_steps, tokenizer);
  } else if (static_cast<int>(row.head.size()) > kMaxHeadChars) {
    FinishInvalid(row,
                  absl::StrCat("no '=' within ", kMaxHeadChars, " characters"));
  }
  return sampled.token;
}

}  // namespace

absl::StatusOr<std::vector<countdown::State>> ValidateProposeRequest(
    const ProposeRequest& request) {
  if (!request.task.empty() && request.task != "countdown") {
    return FieldError("task", absl::StrCat("this generator serves countdown, "
                                           "got '",
                                           request.task, "'"));
  }
  absl::StatusOr<countdown::Problem> problem =
      countdown::ParseProblem(request.problem);
  if (!problem.ok()) return FieldError("problem", problem.status().message());
  if (absl::Status shape = backend::ValidateProposeShape(request);
      !shape.ok()) {
    return shape;
  }
  if (request.sampling.top_k > Tokenizer().vocab_size()) {
    return FieldError(
        "sampling.top_k",
        absl::StrCat("must be 0 (off) to ", Tokenizer().vocab_size(), ", got ",
                     request.sampling.top_k));
  }
  std::vector<countdown::State> states;
  const std::vector<std::vector<std::string>> prefixes =
      backend::PrefixesOf(request);
  for (size_t p = 0; p < prefixes.size(); ++p) {
    const std::string field = absl::StrCat("prefixes[", p, "].steps");
    if (prefixes[p].size() > kMaxPrefixSteps) {
      return FieldError(
          field, absl::StrCat("at most ", kMaxPrefixSteps, " steps, got ",
                              prefixes[p].size()));
    }
    countdown::TraceVerdict verdict =
        countdown::CheckTrace(*problem, prefixes[p]);
    if (!verdict.valid) {
      return FieldError(absl::StrCat(field, "[", verdict.invalid_step, "]"),
                        verdict.reason);
    }
    if (verdict.terminal) {
      return FieldError(field,
                        "the trace is already finished (one number left)");
    }
    states.push_back(verdict.state);
  }
  return states;
}

Generator::Generator(Transformer model,
                     std::map<std::string, std::string> metadata)
    : model_(std::move(model)), metadata_(std::move(metadata)) {
  model_->eval();
}

absl::StatusOr<std::unique_ptr<Generator>> Generator::Load(
    const std::string& path) {
  absl::StatusOr<LoadedTransformer> loaded = LoadTransformer(path, kKind);
  if (!loaded.ok()) return loaded.status();
  return std::make_unique<Generator>(std::move(loaded->model),
                                     std::move(loaded->metadata));
}

absl::Status SaveGenerator(const std::string& path, Transformer& model,
                           std::map<std::string, std::string> metadata) {
  return SaveTransformer(path, kKind, model, std::move(metadata));
}

int64_t Generator::num_parameters() const { return CountParameters(*model_); }

absl::StatusOr<ProposeStats> Generator::Propose(
    const ProposeRequest& request,
    const std::function<void(Candidate)>& on_candidate,
    const std::function<bool()>& cancelled, ProposeStats* work_done) const {
  ProposeStats stats;
  // Reports the work done on every exit path, failures included.
  struct Report {
    const ProposeStats& stats;
    ProposeStats* out;
    ~Report() {
      if (out != nullptr) *out = stats;
    }
  } report{stats, work_done};
  UseComputeThreadsOnThisThread();
  absl::StatusOr<std::vector<countdown::State>> starts =
      ValidateProposeRequest(request);
  if (!starts.ok()) return starts.status();
  // Every prefix is encoded, and must fit, before any is sampled, so that a
  // bad one fails the call before a candidate streams.
  std::vector<std::vector<int>> prefixes;
  for (size_t p = 0; p < starts->size(); ++p) {
    absl::StatusOr<std::vector<int>> prefix = EncodePrefix(
        tokenizer_, model_->config().max_len, request, static_cast<int>(p));
    if (!prefix.ok()) return prefix.status();
    prefixes.push_back(*std::move(prefix));
  }
  for (size_t p = 0; p < starts->size(); ++p) {
    absl::Status status =
        ProposeOne(request, static_cast<int>(p), (*starts)[p],
                   std::move(prefixes[p]), on_candidate, cancelled, stats);
    if (!status.ok()) return status;
  }
  return stats;
}

absl::Status Generator::ProposeOne(
    const ProposeRequest& request, int prefix_index,
    const countdown::State& start, std::vector<int> prefix,
    const std::function<void(Candidate)>& on_candidate,
    const std::function<bool()>& cancelled, ProposeStats& stats) const {
  const int max_len = model_->config().max_len;

  const SamplingParams& sampling = request.sampling;
  std::vector<Row> rows(request.num_candidates);
  const uint64_t seed = PrefixSeed(sampling.seed, prefix_index);
  for (int i = 0; i < request.num_candidates; ++i) {
    rows[i].candidate.prefix_index = prefix_index;
    rows[i].candidate.index = i;
    rows[i].rng.seed(CandidateSeed(seed, i));
    rows[i].state = start;
  }

  try {
    torch::NoGradGuard no_grad;
    KvCache cache;
    torch::Tensor input = torch::tensor(prefix, torch::kLong).unsqueeze(0);
    torch::Tensor logits = model_->Forward(input, &cache).select(1, -1);
    ++stats.forward_passes;
    cache.Select(torch::zeros({request.num_candidates}, torch::kLong));
    logits = logits.expand({request.num_candidates, -1}).contiguous();

    std::vector<int> active(request.num_candidates);
    for (int i = 0; i < request.num_candidates; ++i) active[i] = i;
    int position = static_cast<int>(prefix.size());

    while (!active.empty()) {
      if (cancelled()) {
        return absl::CancelledError("the request was cancelled");
      }
      const float* logit_rows = logits.data_ptr<float>();
      const int vocab = static_cast<int>(logits.size(1));
      std::vector<int64_t> next_tokens;
      std::vector<int64_t> keep;
      for (size_t b = 0; b < active.size(); ++b) {
        Row& row = rows[active[b]];
        const int token =
            NextToken(row, logit_rows + b * vocab, request, tokenizer_, stats);
        if (!row.done && position + 1 >= max_len) {
          FinishInvalid(row, "the trace outgrew the model's context");
        }
        if (row.done) {
          on_candidate(std::move(row.candidate));
          continue;
        }
        keep.push_back(static_cast<int64_t>(b));
        next_tokens.push_back(token);
      }
      if (keep.empty()) break;
      if (keep.size() != active.size()) {
        cache.Select(torch::tensor(keep, torch::kLong));
        std::vector<int> still;
        for (int64_t b : keep) still.push_back(active[b]);
        active = std::move(still);
      }
      logits =
          model_
              ->Forward(torch::tensor(next_tokens, torch::kLong).unsqueeze(1),
                        &cache)
              .select(1, 0)
              .contiguous();
      ++stats.forward_passes;
      ++position;
    }
  } catch (const std::exception& e) {
    return absl::InternalError(absl::StrCat("model failure: ", e.what()));
  }
  return absl::OkStatus();
}

}  // namespace arts::model
