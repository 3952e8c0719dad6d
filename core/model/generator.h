#ifndef ARTS_CORE_MODEL_GENERATOR_H_
#define ARTS_CORE_MODEL_GENERATOR_H_

#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "core/countdown/checker.h"
#include "core/model/tokenizer.h"
#include "core/model/transformer.h"

namespace arts::model {

// Request limits, enforced by ValidateProposeRequest and documented in
// docs/generator.md.
inline constexpr int kMaxCandidates = 64;
inline constexpr int kMaxStepsPerProposal = 8;
inline constexpr int kMaxPrefixSteps = 8;
inline constexpr double kMaxTemperature = 10.0;
// The model writes `A op B =`; a head longer than this is a runaway.
inline constexpr int kMaxHeadChars = 32;

struct SamplingParams {
  double temperature = 1.0;  // 0 = greedy
  int top_k = 0;             // 0 = off
  double top_p = 1.0;        // 1 = off
  uint64_t seed = 0;
  // Restricts the model's characters to heads `A op B =` whose operands are
  // left (and B != 0 for division), so every step is legal.
  bool constrained = false;
};

struct ProposeRequest {
  std::string problem;             // `4 9 10 13 -> 24`
  std::vector<std::string> steps;  // the prefix, each a full step text
  int num_candidates = 1;
  int max_steps = 1;  // steps per candidate; 0 = continue to the end
  SamplingParams sampling;
};

struct Candidate {
  int index = 0;                   // 0..num_candidates-1, stable per seed
  std::vector<std::string> steps;  // the new steps only
  // log pi(steps | prefix) at temperature 1 over the model's own tokens
  // (the calculator's completion is not counted); under the constraint
  // when it is on.
  double logprob = 0;
  int num_tokens = 0;  // tokens the model sampled
  bool terminal = false;
  bool valid = true;
  std::string invalid_reason;  // why the last step is illegal
};

struct ProposeStats {
  int64_t tokens_generated = 0;  // sampled by the model
  int64_t tokens_forced = 0;     // written by the calculator
  int64_t forward_passes = 0;
};

// Checks a request against the limits and the task's grammar. Errors are
// InvalidArgument and start with the offending field, e.g.
// "steps[1]: arithmetic is wrong ...". On success returns the prefix state.
absl::StatusOr<countdown::State> ValidateProposeRequest(
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

  // Samples request.num_candidates candidates in one batch, calling
  // `on_candidate` as each finishes (from the calling thread). Stops early
  // with CANCELLED when `cancelled` returns true. `work_done`, if given, gets
  // the work spent even when the call fails, so cancelled work is counted.
  absl::StatusOr<ProposeStats> Propose(
      const ProposeRequest& request,
      const std::function<void(Candidate)>& on_candidate,
      const std::function<bool()>& cancelled = [] { return false; },
      ProposeStats* work_done = nullptr) const;

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
