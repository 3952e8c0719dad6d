#ifndef ARTS_CORE_VERIFIER_FLOW_VERIFIER_H_
#define ARTS_CORE_VERIFIER_FLOW_VERIFIER_H_

#include <torch/torch.h>

#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "core/backend/scorer.h"
#include "core/model/tokenizer.h"
#include "core/model/transformer.h"
#include "core/verifier/prefix_cache.h"

namespace arts::verifier {

// A partial trace to score: a problem and the steps written so far.
using backend::TraceRef;

// Encoded traces padded into one batch, with the positions of each prefix's
// end: the newline after the problem and after every step.
struct BoundaryBatch {
  torch::Tensor tokens;      // [batch, time] int64, PAD after each trace
  torch::Tensor boundaries;  // [batch, max_steps + 1] int64 positions
  torch::Tensor mask;        // [batch, max_steps + 1] bool, true where real
};

// One trace encoded for scoring.
struct EncodedTrace {
  std::string text;                 // problem and steps, each line ending \n
  std::vector<int64_t> tokens;      // BOS, then the text
  std::vector<int64_t> boundaries;  // token index of each newline
};

// Encodes one trace; errors name it as traces[index].
absl::StatusOr<EncodedTrace> EncodeTrace(const TraceRef& trace,
                                         const model::Tokenizer& tokenizer,
                                         int max_len, size_t index);

// What scoring computed and what it reused.
struct ScoreStats {
  int64_t traces = 0;
  int64_t positions = 0;         // fed to the network
  int64_t reused_positions = 0;  // read from the prefix cache instead
  int64_t cache_hits = 0;        // traces that found a scored prefix
};

// Encodes traces (BOS + problem + steps, one per line). Errors name the
// trace by its index plus `first_index` (its place in a larger request).
absl::StatusOr<BoundaryBatch> EncodeBoundaries(
    const std::vector<TraceRef>& traces, const model::Tokenizer& tokenizer,
    int max_len, size_t first_index = 0);

// The network's raw output x at every step boundary, [batch, max_steps + 1].
torch::Tensor OutputsAtBoundaries(model::TransformerImpl& net,
                                  const BoundaryBatch& batch);

// log F at every step boundary of every trace in one forward pass, from a
// transformer with one output per position: log F = log sigmoid(output),
// so F is in (0, 1) like the probability it estimates. Returns
// [batch, max_steps + 1]; entries where `mask` is false are meaningless.
torch::Tensor LogFlowAtBoundaries(model::TransformerImpl& net,
                                  const BoundaryBatch& batch);

// The verifier F_theta: scores partial traces by the estimated probability
// that the frozen generator, continuing from them, reaches a correct answer.
// Thread-safe for concurrent Score calls.
class FlowVerifier {
 public:
  // Loads a checkpoint of kind "verifier".
  static absl::StatusOr<std::unique_ptr<FlowVerifier>> Load(
      const std::string& path);
  FlowVerifier(model::Transformer model,
               std::map<std::string, std::string> metadata);

  // Traces scored per forward pass: between passes a long request can be
  // cancelled.
  static constexpr size_t kScoreChunk = 64;

  // For each trace, log F of every prefix: entry 0 is the problem alone,
  // entry i the trace after step i. Scores kScoreChunk traces per forward
  // pass and returns CANCELLED if `cancelled` says so before one.
  absl::StatusOr<std::vector<std::vector<double>>> Score(
      const std::vector<TraceRef>& traces,
      const std::function<bool()>& cancelled = nullptr) const;

  // Encodes traces for ScoreEncoded; errors name the trace as
  // traces[first_index + i], e.g. one too long for the context.
  absl::StatusOr<std::vector<EncodedTrace>> Encode(
      const std::vector<TraceRef>& traces, size_t first_index = 0) const;

  // Scores traces, possibly of many calls, in one forward pass. With a
  // cache, a trace whose prefix (up to a step boundary) was scored before
  // feeds only the positions after it, and every trace scored is cached.
  // Cached and full scores agree to float rounding. `stats` (optional) is
  // added to.
  absl::StatusOr<std::vector<std::vector<double>>> ScoreEncoded(
      const std::vector<const EncodedTrace*>& traces, PrefixCache* cache,
      ScoreStats* stats = nullptr) const;

  const std::map<std::string, std::string>& metadata() const {
    return metadata_;
  }
  int64_t num_parameters() const { return model::CountParameters(*model_); }
  const model::TransformerConfig& config() const { return model_->config(); }

 private:
  mutable model::Transformer model_;  // see Generator::model_
  model::Tokenizer tokenizer_;
  std::map<std::string, std::string> metadata_;
};

// A new verifier network: the generator's architecture with one output.
model::Transformer MakeVerifierNetwork(model::TransformerConfig config);

// A verifier network that starts from a trained generator: every weight but
// the output head is copied, so training begins from a network that already
// reads the task (the usual way to start a reward model from its base LM).
// Fails if `generator_path` is not a valid generator checkpoint.
absl::StatusOr<model::Transformer> MakeVerifierFromGenerator(
    const std::string& generator_path);

absl::Status SaveVerifier(const std::string& path, model::Transformer& model,
                          std::map<std::string, std::string> metadata);

}  // namespace arts::verifier

#endif  // ARTS_CORE_VERIFIER_FLOW_VERIFIER_H_
