#ifndef ARTS_CORE_MODEL_GENERATOR_H_
#define ARTS_CORE_MODEL_GENERATOR_H_

#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "core/backend/policy.h"
#include "core/countdown/checker.h"
#include "core/model/candidate_row.h"
#include "core/model/decode_batch.h"
#include "core/model/tokenizer.h"
#include "core/model/transformer.h"

namespace arts::model {

// Steps of a prefix the model accepts.
inline constexpr int kMaxPrefixSteps = 8;

using backend::Candidate;
using backend::kMaxCandidates;
using backend::kMaxStepsPerProposal;
using backend::kMaxTemperature;
using backend::ProposeRequest;
using backend::SamplingParams;

// Checks a request against the limits and the task's grammar. Errors are
// InvalidArgument and start with the offending field, e.g.
// "prefixes[0].steps[1]: arithmetic is wrong ...". On success returns the
// state after each prefix.
absl::StatusOr<std::vector<countdown::State>> ValidateProposeRequest(
    const ProposeRequest& request);

// The frozen base policy pi: a small transformer that writes each step's
// `A op B =`, completed by the task's calculator. Thread-safe: one instance
// serves concurrent requests.
class Generator {
 public:
  // Loads a checkpoint of kind "generator".
  static absl::StatusOr<std::unique_ptr<Generator>> Load(
      const std::string& path);
  Generator(Transformer model, std::map<std::string, std::string> metadata);

  // Samples request.num_candidates candidates of each prefix, all in one
  // DecodeBatch of its own, calling `on_candidate` as each finishes (from
  // the calling thread). Candidate i of prefix p is seeded by (seed, p, i),
  // so it does not depend on the other prefixes of the call, nor on other
  // calls sharing a batch. Stops early with CANCELLED when `cancelled`
  // returns true. `work_done`, if given, gets the work spent even when the
  // call fails, so cancelled work is counted.
  absl::StatusOr<ProposeStats> Propose(
      const ProposeRequest& request,
      const std::function<void(Candidate)>& on_candidate,
      const std::function<bool()>& cancelled = [] { return false; },
      ProposeStats* work_done = nullptr) const;

  // Validates and encodes a request into a job for a DecodeBatch; the
  // caller sets its callbacks and deadline. Errors as
  // ValidateProposeRequest, or a prefix longer than the model's context.
  absl::StatusOr<std::unique_ptr<ProposeJob>> Prepare(
      const ProposeRequest& request) const;
  // A batch over this model with room for `max_rows` rows, for a scheduler
  // that serves many calls at once, with the prefix cache on or off. It
  // must not outlive the generator.
  std::unique_ptr<DecodeBatch> NewDecodeBatch(int max_rows,
                                              bool prefix_cache) const;

  const std::map<std::string, std::string>& metadata() const {
    return metadata_;
  }
  const TransformerConfig& config() const { return model_->config(); }
  int64_t num_parameters() const;

 private:
  // Forward passes do not change the weights; mutable because LibTorch
  // modules have no const call operator.
  mutable Transformer model_;
  Tokenizer tokenizer_;
  std::map<std::string, std::string> metadata_;
};

// Saves a trained model as a checkpoint of kind "generator"; the model's
// config and the tokenizer's alphabet are added to `metadata`.
absl::Status SaveGenerator(const std::string& path, Transformer& model,
                           std::map<std::string, std::string> metadata);

}  // namespace arts::model

#endif  // ARTS_CORE_MODEL_GENERATOR_H_
