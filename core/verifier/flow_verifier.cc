#include "core/verifier/flow_verifier.h"

#include <c10/core/InferenceMode.h>

#include <algorithm>
#include <cmath>
#include <fstream>
#include <optional>

#include "absl/status/status.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "core/countdown/problem.h"
#include "core/model/checkpoint.h"
#include "core/model/compute_threads.h"
#include "core/model/transformer_checkpoint.h"

namespace arts::verifier {
namespace {

constexpr char kKind[] = "verifier";

// Copies each of `from`'s weights into the weight of `to` with the same name
// and shape; `to`'s others keep their values.
void CopySameShapedWeights(model::TransformerImpl& from,
                           model::TransformerImpl& to) {
  torch::NoGradGuard no_grad;
  const auto source = from.named_parameters();
  for (auto& target : to.named_parameters()) {
    const torch::Tensor* weight = source.find(target.key());
    if (weight != nullptr && weight->sizes() == target.value().sizes()) {
      target.value().copy_(*weight);
    }
  }
}

}  // namespace

absl::StatusOr<BoundaryBatch> EncodeBoundaries(
    const std::vector<TraceRef>& traces, const TraceEncoder& encoder,
    int max_len, size_t first_index) {
  std::vector<EncodedTrace> encoded;
  size_t width = 1, boundaries = 1;
  for (size_t t = 0; t < traces.size(); ++t) {
    absl::StatusOr<EncodedTrace> trace =
        encoder.Encode(traces[t], max_len, first_index + t);
    if (!trace.ok()) return trace.status();
    width = std::max(width, trace->tokens.size());
    boundaries = std::max(boundaries, trace->boundaries.size());
    encoded.push_back(*std::move(trace));
  }
  const int64_t batch = static_cast<int64_t>(traces.size());
  BoundaryBatch out;
  out.tokens = torch::full({batch, int64_t(width)}, model::Tokenizer::kPad,
                           torch::kLong);
  out.boundaries = torch::zeros({batch, int64_t(boundaries)}, torch::kLong);
  out.mask = torch::zeros({batch, int64_t(boundaries)}, torch::kBool);
  for (int64_t b = 0; b < batch; ++b) {
    const int64_t n = static_cast<int64_t>(encoded[b].tokens.size());
    const int64_t k = static_cast<int64_t>(encoded[b].boundaries.size());
    out.tokens[b].narrow(0, 0, n).copy_(torch::tensor(encoded[b].tokens));
    out.boundaries[b].narrow(0, 0, k).copy_(
        torch::tensor(encoded[b].boundaries));
    out.mask[b].narrow(0, 0, k).fill_(true);
  }
  return out;
}

torch::Tensor OutputsAtBoundaries(model::TransformerImpl& net,
                                  const BoundaryBatch& batch) {
  // Causal attention: the output at a prefix's newline sees that prefix only,
  // and right padding changes no earlier position.
  return net.Forward(batch.tokens).squeeze(-1).gather(1, batch.boundaries);
}

torch::Tensor LogFlowAtBoundaries(model::TransformerImpl& net,
                                  const BoundaryBatch& batch) {
  return torch::log_sigmoid(OutputsAtBoundaries(net, batch));
}

FlowVerifier::FlowVerifier(model::Transformer model,
                           std::map<std::string, std::string> metadata,
                           std::shared_ptr<const TraceEncoder> encoder)
    : model_(std::move(model)),
      encoder_(std::move(encoder)),
      metadata_(std::move(metadata)) {
  model_->eval();
  floor_log_flow_ = FloorLogFlow(metadata_);
}

FlowVerifier::FlowVerifier(StateNetwork model,
                           std::map<std::string, std::string> metadata)
    : state_model_(std::move(model)), metadata_(std::move(metadata)) {
  state_model_->eval();
  floor_log_flow_ = FloorLogFlow(metadata_);
}

absl::StatusOr<std::unique_ptr<FlowVerifier>> FlowVerifier::Load(
    const std::string& path) {
  absl::StatusOr<model::Checkpoint> checkpoint;
  try {
    checkpoint = model::LoadCheckpoint(path, kKind);
  } catch (const std::exception& e) {
    return absl::InternalError(
        absl::StrCat("loading ", path, " failed: ", e.what()));
  }
  if (!checkpoint.ok()) return checkpoint.status();
  auto architecture = checkpoint->metadata.find("architecture");
  if (architecture != checkpoint->metadata.end() &&
      architecture->second == "state") {
    absl::StatusOr<StateNetworkConfig> config =
        StateNetworkConfig::FromMap(checkpoint->metadata);
    if (!config.ok()) {
      return absl::DataLossError(
          absl::StrCat("checkpoint ", path, ": ", config.status().message()));
    }
    try {
      StateNetwork network(*config);
      if (absl::Status s = model::RestoreModule(*checkpoint, path, *network);
          !s.ok()) {
        return s;
      }
      return std::make_unique<FlowVerifier>(std::move(network),
                                            std::move(checkpoint->metadata));
    } catch (const std::exception& e) {
      return absl::InternalError(
          absl::StrCat("loading ", path, " failed: ", e.what()));
    }
  }
  absl::StatusOr<model::LoadedTransformer> loaded =
      model::LoadTransformer(path, kKind);
  if (!loaded.ok()) return loaded.status();
  if (loaded->model->config().outputs() != 1) {
    return absl::DataLossError(absl::StrCat(
        "checkpoint ", path, ": a verifier has one output per position, not ",
        loaded->model->config().outputs()));
  }
  absl::StatusOr<std::shared_ptr<const TraceEncoder>> encoder =
      EncoderFromMetadata(loaded->metadata);
  if (!encoder.ok()) {
    return absl::DataLossError(
        absl::StrCat("checkpoint ", path, ": ", encoder.status().message()));
  }
  if ((*encoder)->vocab_size() != loaded->model->config().vocab_size) {
    return absl::DataLossError(absl::StrCat(
        "checkpoint ", path, ": its tokenizer has ", (*encoder)->vocab_size(),
        " tokens but its network reads ", loaded->model->config().vocab_size));
  }
  return std::make_unique<FlowVerifier>(std::move(loaded->model),
                                        std::move(loaded->metadata),
                                        *std::move(encoder));
}

bool FlowVerifier::IsTorchScript(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  char magic[4] = {};
  return in.read(magic, 4) && magic[0] == 'P' && magic[1] == 'K' &&
         magic[2] == 3 && magic[3] == 4;
}

absl::StatusOr<std::unique_ptr<FlowVerifier>> FlowVerifier::LoadTorchScript(
    const std::string& path, const std::string& tokenizer_path) {
  absl::StatusOr<std::shared_ptr<const TraceEncoder>> encoder =
      SubwordEncoderFromFile(tokenizer_path);
  if (!encoder.ok()) {
    return absl::Status(
        encoder.status().code(),
        absl::StrCat("the tokenizer: ", encoder.status().message()));
  }
  auto verifier = std::unique_ptr<FlowVerifier>(new FlowVerifier());
  try {
    verifier->scripted_ =
        std::make_shared<torch::jit::Module>(torch::jit::load(path));
    verifier->scripted_->eval();
  } catch (const std::exception& e) {
    return absl::DataLossError(
        absl::StrCat(path, " is not a TorchScript module: ", e.what()));
  }
  if (verifier->scripted_->find_method("forward") == c10::nullopt) {
    return absl::DataLossError(
        absl::StrCat(path, ": the TorchScript module has no forward"));
  }
  verifier->encoder_ = *std::move(encoder);
  verifier->metadata_ = {{"architecture", "torchscript"},
                         {"tokenizer", "sentencepiece"}};
  verifier->floor_log_flow_ = -20;
  return verifier;
}

int FlowVerifier::max_len() const {
  if (scripted_) return kScriptedMaxLen;
  return state_model_ ? state_model_->config().max_len
                      : model_->config().max_len;
}

absl::StatusOr<std::vector<std::vector<double>>> FlowVerifier::ScoreScripted(
    const std::vector<const EncodedTrace*>& traces, ScoreStats* stats) const {
  size_t width = 1, prefixes = 1;
  for (const EncodedTrace* t : traces) {
    width = std::max(width, t->tokens.size());
    prefixes = std::max(prefixes, t->boundaries.size());
  }
  const int64_t n = static_cast<int64_t>(traces.size());
  std::vector<int64_t> tokens(n * width, 0), boundaries(n * prefixes, 0);
  for (int64_t b = 0; b < n; ++b) {
    std::copy(traces[b]->tokens.begin(), traces[b]->tokens.end(),
              tokens.begin() + b * width);
    std::copy(traces[b]->boundaries.begin(), traces[b]->boundaries.end(),
              boundaries.begin() + b * prefixes);
    stats->positions += static_cast<int64_t>(traces[b]->tokens.size());
  }
  stats->traces += n;
  std::vector<std::vector<double>> scores(traces.size());
  try {
    c10::InferenceMode inference;  // lighter than no-grad: serving only
    const torch::jit::IValue out =
        scripted_->forward({torch::tensor(tokens, torch::kLong)
                                .view({n, static_cast<int64_t>(width)}),
                            torch::tensor(boundaries, torch::kLong)
                                .view({n, static_cast<int64_t>(prefixes)})});
    if (!out.isTensor()) {
      return absl::InternalError(
          "the TorchScript model's forward returned no tensor");
    }
    const torch::Tensor log_flow =
        out.toTensor().to(torch::kFloat64).contiguous();
    if (log_flow.dim() != 2 || log_flow.size(0) != n ||
        log_flow.size(1) != static_cast<int64_t>(prefixes)) {
      return absl::InternalError(absl::StrCat(
          "the TorchScript model's forward returned shape ",
          c10::str(log_flow.sizes()), ", not [", n, ", ", prefixes, "]"));
    }
    for (int64_t b = 0; b < n; ++b) {
      const double* row = log_flow[b].data_ptr<double>();
      scores[b].assign(row, row + traces[b]->boundaries.size());
    }
  } catch (const std::exception& e) {
    return absl::InternalError(absl::StrCat("model failure: ", e.what()));
  }
  return scores;
}

int64_t FlowVerifier::num_parameters() const {
  int64_t n = 0;
  for (const torch::Tensor& p : parameters()) n += p.numel();
  return n;
}

std::vector<torch::Tensor> FlowVerifier::parameters() const {
  if (scripted_) {
    std::vector<torch::Tensor> out;
    for (const torch::Tensor& p : scripted_->parameters()) out.push_back(p);
    return out;
  }
  return state_model_ ? state_model_->parameters() : model_->parameters();
}

absl::StatusOr<std::vector<std::vector<double>>> FlowVerifier::Score(
    const std::vector<TraceRef>& traces,
    const std::function<bool()>& cancelled) const {
  absl::StatusOr<std::vector<EncodedTrace>> encoded = Encode(traces);
  if (!encoded.ok()) return encoded.status();
  std::vector<std::vector<double>> scores;
  scores.reserve(traces.size());
  for (size_t first = 0; first < traces.size(); first += kScoreChunk) {
    if (cancelled && cancelled()) {
      return absl::CancelledError("scoring was cancelled");
    }
    std::vector<const EncodedTrace*> chunk;
    for (size_t t = first; t < std::min(traces.size(), first + kScoreChunk);
         ++t) {
      chunk.push_back(&(*encoded)[t]);
    }
    absl::StatusOr<std::vector<std::vector<double>>> part =
        ScoreEncoded(chunk, /*cache=*/nullptr);
    if (!part.ok()) return part.status();
    for (auto& row : *part) scores.push_back(std::move(row));
  }
  return scores;
}

absl::StatusOr<std::vector<EncodedTrace>> FlowVerifier::Encode(
    const std::vector<TraceRef>& traces, size_t first_index) const {
  std::vector<EncodedTrace> out;
  out.reserve(traces.size());
  for (size_t t = 0; t < traces.size(); ++t) {
    absl::StatusOr<EncodedTrace> trace =
        encoder_->Encode(traces[t], max_len(), first_index + t);
    if (!trace.ok()) return trace.status();
    if (state_model_) {
      // The state network reads Countdown states only.
      if (absl::StatusOr<countdown::Problem> problem =
              countdown::ParseProblem(traces[t].problem);
          !problem.ok()) {
        return absl::InvalidArgumentError(
            absl::StrCat("traces[", first_index + t,
                         "].problem: ", problem.status().message()));
      }
    }
    out.push_back(*std::move(trace));
  }
  return out;
}

namespace {

// The longest scored prefix of `trace` in `cache`, ending at a step
// boundary; nullptr when none is.
std::shared_ptr<const CachedPrefix> LongestCachedPrefix(
    const EncodedTrace& trace, PrefixCache& cache) {
  for (size_t k = trace.text_ends.size(); k-- > 0;) {
    auto entry = cache.Find(trace.text.substr(0, trace.text_ends[k]));
    if (entry != nullptr) return entry;
  }
  return nullptr;
}

}  // namespace

absl::StatusOr<std::vector<std::vector<double>>> FlowVerifier::ScoreEncoded(
    const std::vector<const EncodedTrace*>& traces, PrefixCache* cache,
    ScoreStats* stats) const {
  model::UseComputeThreadsOnThisThread();
  ScoreStats local;
  if (stats == nullptr) stats = &local;
  if (state_model_) return ScoreStates(traces, stats);
  if (scripted_) return ScoreScripted(traces, stats);
  stats->traces += static_cast<int64_t>(traces.size());
  std::vector<std::vector<double>> scores(traces.size());
  // The traces that need the network, each after its cached prefix.
  struct Row {
    size_t index;
    std::shared_ptr<const CachedPrefix> past;
    int64_t start = 0;  // first token fed
  };
  std::vector<Row> rows;
  for (size_t t = 0; t < traces.size(); ++t) {
    std::shared_ptr<const CachedPrefix> past =
        cache != nullptr ? LongestCachedPrefix(*traces[t], *cache) : nullptr;
    const int64_t start = past != nullptr ? past->length() : 0;
    if (past != nullptr) {
      ++stats->cache_hits;
      stats->reused_positions += start;
    }
    if (start == static_cast<int64_t>(traces[t]->tokens.size())) {
      scores[t] = past->log_flows;  // the whole trace was scored before
      continue;
    }
    rows.push_back({t, std::move(past), start});
  }
  if (rows.empty()) return scores;
  try {
    c10::InferenceMode inference;  // lighter than no-grad: serving only
    const int64_t n = static_cast<int64_t>(rows.size());
    int64_t width = 0, time = 0;
    for (const Row& row : rows) {
      width = std::max(width, row.start);
      time = std::max<int64_t>(
          time,
          static_cast<int64_t>(traces[row.index]->tokens.size()) - row.start);
    }
    std::vector<int64_t> tokens(n * time, model::Tokenizer::kPad);
    std::vector<int64_t> lengths;
    std::vector<int> counts;  // each row's real new tokens
    for (int64_t r = 0; r < n; ++r) {
      const std::vector<int64_t>& all = traces[rows[r].index]->tokens;
      std::copy(all.begin() + rows[r].start, all.end(),
                tokens.begin() + r * time);
      lengths.push_back(rows[r].start);
      counts.push_back(static_cast<int>(all.size()) - rows[r].start);
      stats->positions += counts.back();
    }
    model::RaggedPast past;
    past.lengths = torch::tensor(lengths, torch::kLong);
    const model::TransformerConfig& config = model_->config();
    const int64_t heads = config.num_heads;
    const int64_t head_dim = config.d_model / heads;
    if (width > 0) {
      for (int layer = 0; layer < config.num_layers; ++layer) {
        torch::Tensor keys = torch::zeros({n, heads, width, head_dim});
        torch::Tensor values = torch::zeros({n, heads, width, head_dim});
        for (int64_t r = 0; r < n; ++r) {
          if (rows[r].past == nullptr) continue;
          keys[r].narrow(1, 0, rows[r].start).copy_(rows[r].past->keys[layer]);
          values[r]
              .narrow(1, 0, rows[r].start)
              .copy_(rows[r].past->values[layer]);
        }
        past.keys.push_back(keys);
        past.values.push_back(values);
      }
    }
    const model::RaggedStep step = model_->ForwardRagged(
        torch::tensor(tokens, torch::kLong).view({n, time}), past, counts);
    const torch::Tensor log_flow = torch::log_sigmoid(step.outputs.squeeze(-1))
                                       .to(torch::kFloat64)
                                       .contiguous();
    for (int64_t r = 0; r < n; ++r) {
      const EncodedTrace& trace = *traces[rows[r].index];
      std::vector<double> row_scores = rows[r].past != nullptr
                                           ? rows[r].past->log_flows
                                           : std::vector<double>();
      const double* fresh = log_flow[r].data_ptr<double>();
      for (int64_t boundary : trace.boundaries) {
        if (boundary >= rows[r].start) {
          row_scores.push_back(fresh[boundary - rows[r].start]);
        }
      }
      if (cache != nullptr) {
        const int64_t fed =
            static_cast<int64_t>(trace.tokens.size()) - rows[r].start;
        auto entry = std::make_shared<CachedPrefix>();
        entry->log_flows = row_scores;
        const std::shared_ptr<const CachedPrefix>& before = rows[r].past;
        for (int layer = 0; layer < config.num_layers; ++layer) {
          torch::Tensor keys = step.keys[layer][r].narrow(1, 0, fed);
          torch::Tensor values = step.values[layer][r].narrow(1, 0, fed);
          // Copies, so that an entry does not pin the whole batch's tensor.
          entry->keys.push_back(
              before == nullptr ? keys.clone()
                                : torch::cat({before->keys[layer], keys}, 1));
          entry->values.push_back(
              before == nullptr
                  ? values.clone()
                  : torch::cat({before->values[layer], values}, 1));
        }
        cache->Put(trace.text, std::move(entry));
      }
      scores[rows[r].index] = std::move(row_scores);
    }
  } catch (const std::exception& e) {
    return absl::InternalError(absl::StrCat("model failure: ", e.what()));
  }
  return scores;
}

absl::StatusOr<std::vector<std::vector<double>>> FlowVerifier::ScoreStates(
    const std::vector<const EncodedTrace*>& traces, ScoreStats* stats) const {
  stats->traces += static_cast<int64_t>(traces.size());
  std::vector<std::vector<std::optional<countdown::State>>> prefixes;
  std::vector<const countdown::State*> readable;
  for (const EncodedTrace* trace : traces) {
    prefixes.push_back(PrefixStates(trace->text));
  }
  for (const auto& states : prefixes) {
    for (const auto& state : states) {
      if (state.has_value()) readable.push_back(&*state);
    }
  }
  stats->positions += static_cast<int64_t>(readable.size());
  std::vector<std::vector<double>> scores(traces.size());
  try {
    c10::InferenceMode inference;  // lighter than no-grad: serving only
    torch::Tensor log_flow;
    if (!readable.empty()) {
      log_flow = torch::log_sigmoid(state_model_->Forward(readable))
                     .to(torch::kFloat64)
                     .contiguous();
    }
    const double* values =
        readable.empty() ? nullptr : log_flow.data_ptr<double>();
    size_t next = 0;
    for (size_t t = 0; t < traces.size(); ++t) {
      for (const auto& state : prefixes[t]) {
        scores[t].push_back(state.has_value() ? values[next++]
                                              : floor_log_flow_);
      }
    }
  } catch (const std::exception& e) {
    return absl::InternalError(absl::StrCat("model failure: ", e.what()));
  }
  return scores;
}

absl::StatusOr<torch::Tensor> FlowVerifier::LastOutputs(
    const std::vector<TraceRef>& traces) const {
  if (scripted_) {
    return absl::FailedPreconditionError(
        "a TorchScript model is served, not trained here");
  }
  if (!state_model_) {
    absl::StatusOr<BoundaryBatch> batch =
        EncodeBoundaries(traces, *encoder_, max_len());
    if (!batch.ok()) return batch.status();
    std::vector<int64_t> last;
    last.reserve(traces.size());
    for (const TraceRef& trace : traces) {
      last.push_back(static_cast<int64_t>(trace.steps.size()));
    }
    return OutputsAtBoundaries(*model_, *batch)
        .gather(1, torch::tensor(last).unsqueeze(1))
        .squeeze(1);
  }
  // The floor's x: log sigmoid(x) = floor, for what cannot be read.
  const double floor = floor_log_flow_;
  const double floor_x = floor - std::log1p(-std::exp(floor));
  std::vector<std::optional<countdown::State>> last;
  std::vector<const countdown::State*> readable;
  std::vector<int64_t> at;
  last.reserve(traces.size());
  for (size_t t = 0; t < traces.size(); ++t) {
    last.push_back(PrefixStates(model::Tokenizer::TraceText(traces[t].problem,
                                                            traces[t].steps))
                       .back());
  }
  for (size_t t = 0; t < traces.size(); ++t) {
    if (!last[t].has_value()) continue;
    readable.push_back(&*last[t]);
    at.push_back(static_cast<int64_t>(t));
  }
  torch::Tensor out = torch::full({static_cast<int64_t>(traces.size())},
                                  static_cast<float>(floor_x));
  if (readable.empty()) return out;
  return out.index_put({torch::tensor(at)}, state_model_->Forward(readable));
}

absl::Status FlowVerifier::Save(
    const std::string& path,
    std::map<std::string, std::string> metadata) const {
  if (scripted_) {
    return absl::FailedPreconditionError(
        "a TorchScript model is not saved as a checkpoint");
  }
  if (!state_model_) {
    encoder_->AddTo(metadata);
    return SaveVerifier(path, model_, std::move(metadata));
  }
  model::Checkpoint checkpoint;
  checkpoint.kind = kKind;
  checkpoint.metadata = std::move(metadata);
  for (auto& [key, value] : state_model_->config().ToMap()) {
    checkpoint.metadata[key] = value;
  }
  model::StoreModule(*state_model_, checkpoint);
  try {
    return model::SaveCheckpoint(path, checkpoint);
  } catch (const std::exception& e) {
    return absl::InternalError(absl::StrCat("saving ", path, ": ", e.what()));
  }
}

double FloorLogFlow(const std::map<std::string, std::string>& metadata) {
  double floor = 0;
  for (const char* key : {"log_reward_correct", "log_epsilon"}) {
    double value = 0;
    auto it = metadata.find(key);
    if (it != metadata.end() && absl::SimpleAtod(it->second, &value)) {
      floor += value;
    } else if (std::string(key) == "log_epsilon") {
      floor += -12;
    }
  }
  return floor;
}

model::Transformer MakeVerifierNetwork(model::TransformerConfig config,
                                       const TraceEncoder& encoder,
                                       bool language_model) {
  config.vocab_size = encoder.vocab_size();
  config.output_size = language_model ? 1 + config.vocab_size : 1;
  return model::Transformer(config);
}

model::Transformer WithoutLanguageModel(model::TransformerImpl& net) {
  model::TransformerConfig config = net.config();
  config.output_size = 1;
  model::Transformer verifier(config);
  CopySameShapedWeights(net, *verifier);
  // The head differs in shape; its first row is the flow's output.
  torch::NoGradGuard no_grad;
  const auto source = net.named_parameters();
  auto target = verifier->named_parameters();
  for (const char* name : {"head.weight", "head.bias"}) {
    target[name].copy_(source[name].narrow(0, 0, 1));
  }
  verifier->eval();
  return verifier;
}

absl::StatusOr<model::Transformer> MakeVerifierFromGenerator(
    const std::string& generator_path) {
  absl::StatusOr<model::LoadedTransformer> generator =
      model::LoadTransformer(generator_path, "generator");
  if (!generator.ok()) return generator.status();
  model::Transformer verifier = MakeVerifierNetwork(generator->model->config());
  // The head differs in shape (one output instead of the vocabulary) and
  // keeps its fresh initialisation.
  CopySameShapedWeights(*generator->model, *verifier);
  return verifier;
}

absl::Status SaveVerifier(const std::string& path, model::Transformer& model,
                          std::map<std::string, std::string> metadata) {
  return model::SaveTransformer(path, kKind, model, std::move(metadata));
}

}  // namespace arts::verifier
