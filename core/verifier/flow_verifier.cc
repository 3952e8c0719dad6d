#include "core/verifier/flow_verifier.h"

#include <algorithm>

#include "absl/status/status.h"
#include "absl/strings/str_cat.h"
#include "core/model/compute_threads.h"
#include "core/model/transformer_checkpoint.h"

namespace arts::verifier {
namespace {

constexpr char kKind[] = "verifier";

}  // namespace

absl::StatusOr<BoundaryBatch> EncodeBoundaries(
    const std::vector<TraceRef>& traces, const model::Tokenizer& tokenizer,
    int max_len, size_t first_index) {
  std::vector<std::vector<int64_t>> rows;
  std::vector<std::vector<int64_t>> ends;
  size_t width = 1, boundaries = 1;
  for (size_t t = 0; t < traces.size(); ++t) {
    absl::StatusOr<std::vector<int>> tokens = tokenizer.Encode(
        model::Tokenizer::TraceText(traces[t].problem, traces[t].steps));
    if (!tokens.ok()) {
      return absl::InvalidArgumentError(absl::StrCat(
          "traces[", first_index + t, "]: ", tokens.status().message()));
    }
    std::vector<int64_t> row = {model::Tokenizer::kBos};
    std::vector<int64_t> row_ends;
    for (int token : *tokens) {
      row.push_back(token);
      if (token == tokenizer.TokenOf('\n')) row_ends.push_back(row.size() - 1);
    }
    if (static_cast<int>(row.size()) > max_len) {
      return absl::InvalidArgumentError(
          absl::StrCat("traces[", first_index + t, "]: ", row.size(),
                       " characters, more than the verifier's ", max_len));
    }
    width = std::max(width, row.size());
    boundaries = std::max(boundaries, row_ends.size());
    rows.push_back(std::move(row));
    ends.push_back(std::move(row_ends));
  }
  const int64_t batch = static_cast<int64_t>(traces.size());
  BoundaryBatch out;
  out.tokens = torch::full({batch, int64_t(width)}, model::Tokenizer::kPad,
                           torch::kLong);
  out.boundaries = torch::zeros({batch, int64_t(boundaries)}, torch::kLong);
  out.mask = torch::zeros({batch, int64_t(boundaries)}, torch::kBool);
  for (int64_t b = 0; b < batch; ++b) {
    const int64_t n = static_cast<int64_t>(rows[b].size());
    const int64_t k = static_cast<int64_t>(ends[b].size());
    out.tokens[b].narrow(0, 0, n).copy_(torch::tensor(rows[b]));
    out.boundaries[b].narrow(0, 0, k).copy_(torch::tensor(ends[b]));
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
                           std::map<std::string, std::string> metadata)
    : model_(std::move(model)), metadata_(std::move(metadata)) {
  model_->eval();
}

absl::StatusOr<std::unique_ptr<FlowVerifier>> FlowVerifier::Load(
    const std::string& path) {
  absl::StatusOr<model::LoadedTransformer> loaded =
      model::LoadTransformer(path, kKind);
  if (!loaded.ok()) return loaded.status();
  if (loaded->model->config().outputs() != 1) {
    return absl::DataLossError(absl::StrCat(
        "checkpoint ", path, ": a verifier has one output per position, not ",
        loaded->model->config().outputs()));
  }
  return std::make_unique<FlowVerifier>(std::move(loaded->model),
                                        std::move(loaded->metadata));
}

absl::StatusOr<std::vector<std::vector<double>>> FlowVerifier::Score(
    const std::vector<TraceRef>& traces,
    const std::function<bool()>& cancelled) const {
  model::UseComputeThreadsOnThisThread();
  std::vector<std::vector<double>> scores;
  scores.reserve(traces.size());
  for (size_t first = 0; first < traces.size(); first += kScoreChunk) {
    if (cancelled && cancelled()) {
      return absl::CancelledError("scoring was cancelled");
    }
    const std::vector<TraceRef> chunk(
        traces.begin() + first,
        traces.begin() + std::min(traces.size(), first + kScoreChunk));
    absl::StatusOr<std::vector<std::vector<double>>> part =
        ScoreChunk(chunk, first);
    if (!part.ok()) return part.status();
    for (auto& row : *part) scores.push_back(std::move(row));
  }
  return scores;
}

absl::StatusOr<std::vector<std::vector<double>>> FlowVerifier::ScoreChunk(
    const std::vector<TraceRef>& traces, size_t first_index) const {
  absl::StatusOr<BoundaryBatch> batch = EncodeBoundaries(
      traces, tokenizer_, model_->config().max_len, first_index);
  if (!batch.ok()) return batch.status();
  try {
    torch::NoGradGuard no_grad;
    torch::Tensor log_flow =
        LogFlowAtBoundaries(*model_, *batch).to(torch::kFloat64).contiguous();
    std::vector<std::vector<double>> scores(traces.size());
    for (size_t t = 0; t < traces.size(); ++t) {
      const double* row = log_flow[t].data_ptr<double>();
      scores[t].assign(row, row + traces[t].steps.size() + 1);
    }
    return scores;
  } catch (const std::exception& e) {
    return absl::InternalError(absl::StrCat("model failure: ", e.what()));
  }
}

model::Transformer MakeVerifierNetwork(model::TransformerConfig config) {
  config.vocab_size = model::Tokenizer().vocab_size();
  config.output_size = 1;
  return model::Transformer(config);
}

absl::StatusOr<model::Transformer> MakeVerifierFromGenerator(
    const std::string& generator_path) {
  absl::StatusOr<model::LoadedTransformer> generator =
      model::LoadTransformer(generator_path, "generator");
  if (!generator.ok()) return generator.status();
  model::Transformer verifier = MakeVerifierNetwork(generator->model->config());
  torch::NoGradGuard no_grad;
  const auto source = generator->model->named_parameters();
  for (auto& target : verifier->named_parameters()) {
    const torch::Tensor* from = source.find(target.key());
    // The head differs in shape (one output instead of the vocabulary) and
    // keeps its fresh initialisation.
    if (from != nullptr && from->sizes() == target.value().sizes()) {
      target.value().copy_(*from);
    }
  }
  return verifier;
}

absl::Status SaveVerifier(const std::string& path, model::Transformer& model,
                          std::map<std::string, std::string> metadata) {
  return model::SaveTransformer(path, kKind, model, std::move(metadata));
}

}  // namespace arts::verifier
