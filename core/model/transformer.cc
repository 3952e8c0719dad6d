#include "core/model/transformer.h"

#include <cmath>

#include "absl/status/status.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "core/model/decode_attention.h"

namespace arts::model {

std::map<std::string, std::string> TransformerConfig::ToMap() const {
  return {{"vocab_size", absl::StrCat(vocab_size)},
          {"max_len", absl::StrCat(max_len)},
          {"d_model", absl::StrCat(d_model)},
          {"num_layers", absl::StrCat(num_layers)},
          {"num_heads", absl::StrCat(num_heads)},
          {"d_ff", absl::StrCat(d_ff)},
          {"output_size", absl::StrCat(output_size)}};
}

absl::StatusOr<TransformerConfig> TransformerConfig::FromMap(
    const std::map<std::string, std::string>& map) {
  TransformerConfig config;
  for (auto [key, field] : {std::pair{"vocab_size", &config.vocab_size},
                            std::pair{"max_len", &config.max_len},
                            std::pair{"d_model", &config.d_model},
                            std::pair{"num_layers", &config.num_layers},
                            std::pair{"num_heads", &config.num_heads},
                            std::pair{"d_ff", &config.d_ff}}) {
    auto it = map.find(key);
    if (it == map.end()) {
      return absl::InvalidArgumentError(
          absl::StrCat("model config lacks '", key, "'"));
    }
    if (!absl::SimpleAtoi(it->second, field)) {
      return absl::InvalidArgumentError(absl::StrCat(
          "model config '", key, "' is not an integer: ", it->second));
    }
  }
  // Optional: checkpoints from before it existed are generators.
  if (auto it = map.find("output_size");
      it != map.end() && !absl::SimpleAtoi(it->second, &config.output_size)) {
    return absl::InvalidArgumentError(absl::StrCat(
        "model config 'output_size' is not an integer: ", it->second));
  }
  if (absl::Status s = config.Validate(); !s.ok()) return s;
  return config;
}

absl::Status TransformerConfig::Validate() const {
  auto in = [](int v, int lo, int hi) { return v >= lo && v <= hi; };
  if (!in(vocab_size, 2, 4096) || !in(max_len, 8, 8192) ||
      !in(d_model, 8, 4096) || !in(num_layers, 1, 64) ||
      !in(num_heads, 1, 64) || !in(d_ff, 8, 16384) ||
      !in(output_size, 0, 4096) || d_model % num_heads != 0) {
    return absl::InvalidArgumentError(absl::StrCat(
        "model config out of range: vocab_size=", vocab_size,
        " max_len=", max_len, " d_model=", d_model, " num_layers=", num_layers,
        " num_heads=", num_heads, " d_ff=", d_ff));
  }
  return absl::OkStatus();
}

TransformerImpl::TransformerImpl(const TransformerConfig& config)
    : config_(config) {
  const int d = config.d_model;
  token_embedding_ = register_module(
      "token_embedding", torch::nn::Embedding(config.vocab_size, d));
  position_embedding_ = register_module(
      "position_embedding", torch::nn::Embedding(config.max_len, d));
  for (int i = 0; i < config.num_layers; ++i) {
    const std::string prefix = absl::StrCat("block", i, "_");
    Block b;
    b.ln1 = register_module(
        prefix + "ln1", torch::nn::LayerNorm(torch::nn::LayerNormOptions({d})));
    b.qkv = register_module(prefix + "qkv", torch::nn::Linear(d, 3 * d));
    b.proj = register_module(prefix + "proj", torch::nn::Linear(d, d));
    b.ln2 = register_module(
        prefix + "ln2", torch::nn::LayerNorm(torch::nn::LayerNormOptions({d})));
    b.fc1 = register_module(prefix + "fc1", torch::nn::Linear(d, config.d_ff));
    b.fc2 = register_module(prefix + "fc2", torch::nn::Linear(config.d_ff, d));
    blocks_.push_back(b);
  }
  final_norm_ = register_module(
      "final_norm", torch::nn::LayerNorm(torch::nn::LayerNormOptions({d})));
  head_ = register_module("head", torch::nn::Linear(d, config.outputs()));

  // GPT-2 style initialisation: small normal weights, residual projections
  // scaled down with depth so the residual stream starts near identity.
  torch::NoGradGuard no_grad;
  const double std = 0.02;
  const double residual_std = std / std::sqrt(2.0 * config.num_layers);
  for (auto& p : named_parameters()) {
    const std::string& name = p.key();
    if (name.find("ln") != std::string::npos ||
        name.find("norm") != std::string::npos) {
      continue;
    }
    if (name.size() > 4 && name.substr(name.size() - 4) == "bias") {
      p.value().zero_();
    } else if (name.find("proj") != std::string::npos ||
               name.find("fc2") != std::string::npos) {
      p.value().normal_(0, residual_std);
    } else {
      p.value().normal_(0, std);
    }
  }
}

torch::Tensor TransformerImpl::Forward(const torch::Tensor& tokens) {
  const int64_t rows = tokens.size(0);
  const int64_t time = tokens.size(1);
  TORCH_CHECK(time <= config_.max_len, "sequence of ", time,
              " tokens exceeds the model's context of ", config_.max_len);
  RaggedPast none;
  none.lengths = torch::zeros({rows}, torch::kLong);
  return ForwardRagged(tokens, none).outputs;
}

namespace {

// For a past read in place (RaggedPast::rows): what the batch's rows hold,
// placed at their entries of the past's range (zeros elsewhere), and back.
// These move a row's queries or attention weights, which are head_dim times
// smaller than the keys and values a copied past would move.
torch::Tensor InRange(const torch::Tensor& by_row, const RaggedPast& past) {
  if (!past.rows.defined()) return by_row;
  std::vector<int64_t> shape = by_row.sizes().vec();
  shape[0] = past.keys[0].size(0);
  return torch::zeros(shape, by_row.options())
      .index_copy_(0, past.rows, by_row);
}

torch::Tensor AtRows(const torch::Tensor& in_range, const RaggedPast& past) {
  if (!past.rows.defined()) return in_range;
  return in_range.index_select(0, past.rows);
}

// For a decode pass that DecodeAttention can take (one token a row, a past,
// no autograd, float): each row's entry of the past and its length.
// Nothing otherwise.
bool DecodeRows(const RaggedPast& past, int64_t time,
                std::vector<int64_t>& entries, std::vector<int64_t>& lengths) {
  if (time != 1 || past.keys.empty() || torch::GradMode::is_enabled() ||
      past.keys[0].scalar_type() != torch::kFloat) {
    return false;
  }
  const torch::Tensor by_row = past.lengths.to(torch::kLong).contiguous();
  lengths.assign(by_row.data_ptr<int64_t>(),
                 by_row.data_ptr<int64_t>() + by_row.numel());
  if (past.rows.defined()) {
    const torch::Tensor rows = past.rows.to(torch::kLong).contiguous();
    entries.assign(rows.data_ptr<int64_t>(),
                   rows.data_ptr<int64_t>() + rows.numel());
  } else {
    entries.resize(lengths.size());
    for (size_t r = 0; r < entries.size(); ++r) entries[r] = r;
  }
  return true;
}

// The flat [rows * time] positions of the real tokens, when packing them
// pays: only for chunks (a decode pass has no padding) whose padding is at
// least a fifth of the batch. Undefined otherwise.
torch::Tensor RealPositions(const std::vector<int>& counts, int64_t rows,
                            int64_t time) {
  if (counts.empty() || time == 1) return {};
  TORCH_CHECK(static_cast<int64_t>(counts.size()) == rows, "counts has ",
              counts.size(), " rows, tokens ", rows);
  int64_t total = 0;
  for (int64_t r = 0; r < rows; ++r) {
    TORCH_CHECK(counts[r] >= 0 && counts[r] <= time, "counts[", r, "] is ",
                counts[r], ", tokens have ", time);
    total += counts[r];
  }
  if (5 * total > 4 * rows * time) return {};
  std::vector<int64_t> real;
  real.reserve(total);
  for (int64_t r = 0; r < rows; ++r) {
    for (int64_t j = 0; j < counts[r]; ++j) real.push_back(r * time + j);
  }
  return torch::tensor(real, torch::kLong);
}

// Packed [real, features] back to padded [rows, time, features], zeros at
// the padding.
torch::Tensor Unpack(const torch::Tensor& packed, const torch::Tensor& real,
                     int64_t rows, int64_t time) {
  return torch::zeros({rows * time, packed.size(1)}, packed.options())
      .index_copy_(0, real, packed)
      .view({rows, time, packed.size(1)});
}

// The attention of any pass, as matrix products over the padded batch:
// [rows, heads, time, head_dim]. Scores against the past and the new
// columns are computed apart and joined: joining the scores copies far less
// than joining the keys and values (head_dim times less).
torch::Tensor PaddedAttention(const torch::Tensor& q, const torch::Tensor& k,
                              const torch::Tensor& v, const RaggedPast& past,
                              size_t layer, const torch::Tensor& mask,
                              double scale) {
  const int64_t width = past.keys.empty() ? 0 : past.keys[layer].size(2);
  const int64_t time = q.size(2);
  torch::Tensor scores = torch::matmul(q, k.transpose(-2, -1)) * scale;
  if (width > 0) {
    scores =
        torch::cat({AtRows(torch::matmul(InRange(q, past),
                                         past.keys[layer].transpose(-2, -1)),
                           past) *
                        scale,
                    scores},
                   -1);
  }
  if (mask.defined()) scores = scores.masked_fill(mask, -1e30);
  torch::Tensor weights = scores.softmax(-1);
  torch::Tensor attended = torch::matmul(weights.narrow(-1, width, time), v);
  if (width > 0) {
    attended = attended +
               AtRows(torch::matmul(InRange(weights.narrow(-1, 0, width), past),
                                    past.values[layer]),
                      past);
  }
  return attended;
}

}  // namespace

RaggedStep TransformerImpl::ForwardRagged(const torch::Tensor& tokens,
                                          const RaggedPast& past,
                                          const std::vector<int>& counts) {
  const int64_t rows = tokens.size(0);
  const int64_t time = tokens.size(1);
  const int64_t width = past.keys.empty() ? 0 : past.keys[0].size(2);
  const int64_t heads = config_.num_heads;
  const int64_t head_dim = config_.d_model / heads;
  TORCH_CHECK(past.lengths.size(0) == rows, "past has ", past.lengths.size(0),
              " rows, tokens ", rows);
  TORCH_CHECK(past.keys.empty() || past.keys.size() == blocks_.size(),
              "past has keys for ", past.keys.size(), " layers, the model ",
              blocks_.size());
  TORCH_CHECK(!past.rows.defined() || past.rows.size(0) == rows, "past names ",
              past.rows.defined() ? past.rows.size(0) : 0, " rows, tokens ",
              rows);

  // Row b's token j sits at absolute position lengths[b] + j.
  const torch::Tensor steps = torch::arange(time, torch::kLong);
  const torch::Tensor positions =
      (past.lengths.unsqueeze(1) + steps.unsqueeze(0))
          .clamp_max(config_.max_len - 1);
  torch::Tensor x = token_embedding_(tokens) + position_embedding_(positions);
  // Packed: x holds the real tokens alone, [real, d_model], through the
  // linear layers; attention unpacks them to [rows, time] and back.
  const torch::Tensor real = RealPositions(counts, rows, time);
  if (real.defined()) x = x.flatten(0, 1).index_select(0, real);

  std::vector<int64_t> entries, lengths;
  const bool decode = DecodeRows(past, time, entries, lengths);

  // Keys are [past columns | new columns]. A query sees the real past
  // columns of its row and the new columns up to itself; padding after a
  // row's real tokens is never seen by a real query, because it comes later.
  torch::Tensor mask;  // true where attention is forbidden
  if (!decode && (time > 1 || width > 0)) {
    torch::Tensor future = steps.unsqueeze(1) < steps.unsqueeze(0);  // [t, t]
    future = future.unsqueeze(0).expand({rows, time, time});
    if (width > 0) {
      torch::Tensor beyond = torch::arange(width, torch::kLong).unsqueeze(0) >=
                             past.lengths.unsqueeze(1);  // [rows, width]
      beyond = beyond.unsqueeze(1).expand({rows, time, width});
      mask = torch::cat({beyond, future}, 2);
    } else {
      mask = future;
    }
    mask = mask.unsqueeze(1);  // [rows, 1, time, width + time]
  }
  const double scale = 1.0 / std::sqrt(static_cast<double>(head_dim));
  RaggedStep step;
  for (size_t i = 0; i < blocks_.size(); ++i) {
    Block& b = blocks_[i];
    torch::Tensor projected = b.qkv(b.ln1(x));
    if (real.defined()) projected = Unpack(projected, real, rows, time);
    auto qkv = projected.view({rows, time, 3, heads, head_dim})
                   .permute({2, 0, 3, 1, 4});
    torch::Tensor q = qkv[0], k = qkv[1], v = qkv[2];
    step.keys.push_back(k);
    step.values.push_back(v);
    torch::Tensor attended;
    if (decode) {
      attended = DecodeAttention(q, k, v, past.keys[i], past.values[i], entries,
                                 lengths, scale);
    } else {
      attended = PaddedAttention(q, k, v, past, i, mask, scale)
                     .transpose(1, 2)
                     .reshape({rows, time, config_.d_model});
      if (real.defined()) {
        attended = attended.flatten(0, 1).index_select(0, real);
      }
    }
    x = x + b.proj(attended);
    x = x + b.fc2(torch::gelu(b.fc1(b.ln2(x))));
  }
  step.outputs = head_(final_norm_(x));
  if (real.defined()) step.outputs = Unpack(step.outputs, real, rows, time);
  return step;
}

int64_t CountParameters(const TransformerImpl& model) {
  int64_t n = 0;
  for (const auto& p : model.parameters()) n += p.numel();
  return n;
}

}  // namespace arts::model
