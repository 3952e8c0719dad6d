#ifndef ARTS_CORE_VERIFIER_FLOW_VERIFIER_H_
#define ARTS_CORE_VERIFIER_FLOW_VERIFIER_H_

#include <torch/script.h>
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
#include "core/verifier/state_network.h"
#include "core/verifier/trace_encoder.h"

namespace arts::verifier {

// Encoded traces padded into one batch, with the positions of each prefix's
// end: after the problem and after every step.
struct BoundaryBatch {
  torch::Tensor tokens;      // [batch, time] int64, PAD after each trace
  torch::Tensor boundaries;  // [batch, max_steps + 1] int64 positions
  torch::Tensor mask;        // [batch, max_steps + 1] bool, true where real
};

// What scoring computed and what it reused.
struct ScoreStats {
  int64_t traces = 0;
  int64_t positions = 0;         // fed to the network
  int64_t reused_positions = 0;  // read from the prefix cache instead
  int64_t cache_hits = 0;        // traces that found a scored prefix
};

// Encodes traces with `encoder`. Errors name the trace by its index plus
// `first_index` (its place in a larger request).
absl::StatusOr<BoundaryBatch> EncodeBoundaries(
    const std::vector<TraceRef>& traces, const TraceEncoder& encoder,
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
// It holds one of two networks (docs/verifier.md): the text network, a
// transformer over the trace's characters with one output per position, or
// the state network, which reads the Countdown state after each prefix.
// Thread-safe for concurrent Score calls.
class FlowVerifier {
 public:
  // Loads a checkpoint of kind "verifier", of either architecture.
  static absl::StatusOr<std::unique_ptr<FlowVerifier>> Load(
      const std::string& path);
  // Loads a value model exported from PyTorch as TorchScript, which reads
  // traces through the SentencePiece model in `tokenizer_path` and scores
  // the `text` task (docs/verifier.md, "A TorchScript value model"): its
  // forward(tokens [B, T] int64, boundaries [B, S] int64) returns log F
  // [B, S] at each prefix's end.
  static absl::StatusOr<std::unique_ptr<FlowVerifier>> LoadTorchScript(
      const std::string& path, const std::string& tokenizer_path);
  // Whether `path` holds TorchScript (a zip archive) rather than a
  // checkpoint of ours.
  static bool IsTorchScript(const std::string& path);
  FlowVerifier(
      model::Transformer model, std::map<std::string, std::string> metadata,
      std::shared_ptr<const TraceEncoder> encoder = CountdownCharacters());
  FlowVerifier(StateNetwork model, std::map<std::string, std::string> metadata);

  // Traces scored per forward pass: between passes a long request can be
  // cancelled.
  static constexpr size_t kScoreChunk = 64;
  // The longest trace a TorchScript model is given, in tokens.
  static constexpr int kScriptedMaxLen = 4096;

  // For each trace, log F of every prefix: entry 0 is the problem alone,
  // entry i the trace after step i. Scores kScoreChunk traces per forward
  // pass and returns CANCELLED if `cancelled` says so before one.
  absl::StatusOr<std::vector<std::vector<double>>> Score(
      const std::vector<TraceRef>& traces,
      const std::function<bool()>& cancelled = nullptr) const;

  // Encodes traces for ScoreEncoded; errors name the trace as
  // traces[first_index + i], e.g. one too long for the context, or (state
  // network) a problem that is not a Countdown problem.
  absl::StatusOr<std::vector<EncodedTrace>> Encode(
      const std::vector<TraceRef>& traces, size_t first_index = 0) const;

  // Scores traces, possibly of many calls, in one forward pass. With a
  // cache, a trace whose prefix (up to a step boundary) was scored before
  // feeds only the positions after it, and every trace scored is cached.
  // Cached and full scores agree to float rounding. `stats` (optional) is
  // added to. The state network reads one state per prefix and uses no
  // cache; a prefix whose steps do not check scores the training floor.
  absl::StatusOr<std::vector<std::vector<double>>> ScoreEncoded(
      const std::vector<const EncodedTrace*>& traces, PrefixCache* cache,
      ScoreStats* stats = nullptr) const;

  // For training: the raw output x at the end of each trace (log F =
  // log sigmoid(x)), with gradients; the state network gives a trace that
  // does not check the floor's x, which has none.
  absl::StatusOr<torch::Tensor> LastOutputs(
      const std::vector<TraceRef>& traces) const;
  std::vector<torch::Tensor> parameters() const;
  // Saves the network as a checkpoint of kind "verifier"; its architecture
  // and config are added to `metadata`.
  absl::Status Save(const std::string& path,
                    std::map<std::string, std::string> metadata) const;

  const std::map<std::string, std::string>& metadata() const {
    return metadata_;
  }
  int64_t num_parameters() const;
  // Whether ScoreEncoded consults a prefix cache: only the text network
  // does (the state network reads one state per prefix, and a TorchScript
  // model scores whole traces).
  bool uses_prefix_cache() const { return architecture() == "text"; }
  // "text", "state" or "torchscript".
  std::string architecture() const {
    return state_model_ ? "state" : (scripted_ ? "torchscript" : "text");
  }
  // The task whose traces it scores: "countdown", or "text" for a network
  // over SentencePiece subwords.
  const std::string& task() const { return encoder_->task(); }
  const TraceEncoder& encoder() const { return *encoder_; }

 private:
  FlowVerifier() = default;  // LoadTorchScript fills it in
  absl::StatusOr<std::vector<std::vector<double>>> ScoreStates(
      const std::vector<const EncodedTrace*>& traces, ScoreStats* stats) const;
  absl::StatusOr<std::vector<std::vector<double>>> ScoreScripted(
      const std::vector<const EncodedTrace*>& traces, ScoreStats* stats) const;
  int max_len() const;

  mutable model::Transformer model_{nullptr};  // see Generator::model_
  mutable StateNetwork state_model_{nullptr};
  // A TorchScript value model instead of either network.
  mutable std::shared_ptr<torch::jit::Module> scripted_;
  std::shared_ptr<const TraceEncoder> encoder_ = CountdownCharacters();
  std::map<std::string, std::string> metadata_;
  // log F of a prefix the state network cannot read (an illegal step): the
  // value its training gave dead ends.
  double floor_log_flow_ = -12;
};

// A new verifier network: the generator's architecture with one output,
// over `encoder`'s vocabulary. With `language_model`, for training, it has
// one output more per token of the vocabulary: the next token's logits
// (NodeOutputsAndLanguageModelLoss), which WithoutLanguageModel drops.
model::Transformer MakeVerifierNetwork(
    model::TransformerConfig config,
    const TraceEncoder& encoder = *CountdownCharacters(),
    bool language_model = false);

// The verifier network within `net` (made with `language_model`): the same
// weights, with only the flow's output (output 0) in its head. Its log F is
// exactly `net`'s.
model::Transformer WithoutLanguageModel(model::TransformerImpl& net);

// A verifier network that starts from a trained generator: every weight but
// the output head is copied, so training begins from a network that already
// reads the task (the usual way to start a reward model from its base LM).
// Fails if `generator_path` is not a valid generator checkpoint.
absl::StatusOr<model::Transformer> MakeVerifierFromGenerator(
    const std::string& generator_path);

absl::Status SaveVerifier(const std::string& path, model::Transformer& model,
                          std::map<std::string, std::string> metadata);

// The log F a verifier trained with `metadata` gives a dead end: its
// log_reward_correct plus log_epsilon (-12 when they are absent).
double FloorLogFlow(const std::map<std::string, std::string>& metadata);

}  // namespace arts::verifier

#endif  // ARTS_CORE_VERIFIER_FLOW_VERIFIER_H_
