#include "core/model/generator.h"

#include <algorithm>
#include <utility>

#include "absl/status/status.h"
#include "absl/strings/str_cat.h"
#include "core/countdown/problem.h"
#include "core/model/transformer_checkpoint.h"

namespace arts::model {
namespace {

constexpr char kKind[] = "generator";

absl::Status FieldError(absl::string_view field, absl::string_view why) {
  return absl::InvalidArgumentError(absl::StrCat(field, ": ", why));
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

}  // namespace

absl::StatusOr<std::vector<countdown::State>> ValidateProposeRequest(
    const ProposeRequest& request) {
  if (!request.task.empty() && request.task != countdown::kTaskName) {
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

absl::StatusOr<std::unique_ptr<ProposeJob>> Generator::Prepare(
    const ProposeRequest& request) const {
  absl::StatusOr<std::vector<countdown::State>> starts =
      ValidateProposeRequest(request);
  if (!starts.ok()) return starts.status();
  auto job = std::make_unique<ProposeJob>();
  job->request = request;
  job->starts = *std::move(starts);
  // Every prefix is encoded, and must fit, before any is sampled, so that a
  // bad one fails the call before a candidate streams.
  for (size_t p = 0; p < job->starts.size(); ++p) {
    absl::StatusOr<std::vector<int>> prefix = EncodePrefix(
        tokenizer_, model_->config().max_len, request, static_cast<int>(p));
    if (!prefix.ok()) return prefix.status();
    job->prefixes.push_back(*std::move(prefix));
  }
  return job;
}

std::unique_ptr<DecodeBatch> Generator::NewDecodeBatch(
    int max_rows, bool prefix_cache) const {
  return std::make_unique<DecodeBatch>(*model_, tokenizer_, max_rows,
                                       prefix_cache);
}

absl::StatusOr<ProposeStats> Generator::Propose(
    const ProposeRequest& request,
    const std::function<void(Candidate)>& on_candidate,
    const std::function<bool()>& cancelled, ProposeStats* work_done) const {
  absl::StatusOr<std::unique_ptr<ProposeJob>> job = Prepare(request);
  if (!job.ok()) {
    if (work_done != nullptr) *work_done = ProposeStats();
    return job.status();
  }
  // The call's rows, up to the most one call may carry, share each pass.
  const int rows = std::max(request.num_candidates,
                            std::min((*job)->rows(), backend::kMaxRowsPerCall));
  absl::Status status;
  ProposeStats stats;
  bool done = false;
  (*job)->on_candidate = on_candidate;
  (*job)->cancelled = cancelled;
  (*job)->on_done = [&](absl::Status s, const ProposeStats& spent) {
    status = std::move(s);
    stats = spent;
    done = true;
  };
  DecodeBatch batch(*model_, tokenizer_, rows);
  batch.Add(*std::move(job));
  while (!done) batch.Step();
  if (work_done != nullptr) *work_done = stats;
  if (!status.ok()) return status;
  return stats;
}

}  // namespace arts::model
