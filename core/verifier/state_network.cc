#include "core/verifier/state_network.h"

#include <algorithm>
#include <cmath>
#include <string>

#include "absl/status/status.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "core/countdown/problem.h"
#include "core/countdown/step.h"
#include "core/model/fnv1a.h"

namespace arts::verifier {
namespace {

constexpr int64_t kFeatures = 6;
constexpr int64_t kTargetRole = 0;
constexpr int64_t kNumberRole = 1;

double ToDouble(const countdown::Rational& value) {
  return static_cast<double>(value.num()) / static_cast<double>(value.den());
}

// Sign, magnitude on a log scale, whether it is an integer, the magnitude of
// its denominator, and its ratio to the target, linear (clipped) and on a
// log scale: what a value's text says at a glance, relative to the target.
void AppendFeatures(const countdown::Rational& value,
                    const countdown::Rational& target,
                    std::vector<float>& out) {
  const double x = ToDouble(value);
  const double t = target.is_zero() ? 1.0 : ToDouble(target);
  out.push_back(x > 0 ? 1.0f : (x < 0 ? -1.0f : 0.0f));
  out.push_back(static_cast<float>(std::log1p(std::fabs(x)) / 4));
  out.push_back(value.is_integer() ? 1.0f : 0.0f);
  out.push_back(
      static_cast<float>(std::log(static_cast<double>(value.den())) / 4));
  out.push_back(static_cast<float>(std::clamp(x / t, -4.0, 4.0)));
  out.push_back(x == 0 ? -2.0f
                       : static_cast<float>(std::clamp(
                             std::log(std::fabs(x / t)) / 4, -2.0, 2.0)));
}

}  // namespace

std::map<std::string, std::string> StateNetworkConfig::ToMap() const {
  return {{"architecture", "state"},
          {"d_model", absl::StrCat(d_model)},
          {"num_layers", absl::StrCat(num_layers)},
          {"num_heads", absl::StrCat(num_heads)},
          {"d_ff", absl::StrCat(d_ff)},
          {"buckets", absl::StrCat(buckets)},
          {"max_len", absl::StrCat(max_len)},
          {"pair_head", pair_head ? "1" : "0"}};
}

absl::StatusOr<StateNetworkConfig> StateNetworkConfig::FromMap(
    const std::map<std::string, std::string>& map) {
  StateNetworkConfig config;
  for (auto [key, field] :
       {std::pair{"d_model", &config.d_model},
        std::pair{"num_layers", &config.num_layers},
        std::pair{"num_heads", &config.num_heads},
        std::pair{"d_ff", &config.d_ff}, std::pair{"buckets", &config.buckets},
        std::pair{"max_len", &config.max_len}}) {
    auto it = map.find(key);
    if (it == map.end()) {
      return absl::InvalidArgumentError(
          absl::StrCat("state network config lacks '", key, "'"));
    }
    if (!absl::SimpleAtoi(it->second, field)) {
      return absl::InvalidArgumentError(absl::StrCat(
          "state network config '", key, "' is not an integer: ", it->second));
    }
  }
  auto pair_head = map.find("pair_head");
  if (pair_head == map.end() ||
      (pair_head->second != "0" && pair_head->second != "1")) {
    return absl::InvalidArgumentError(
        "state network config 'pair_head' is missing or not 0 or 1");
  }
  config.pair_head = pair_head->second == "1";
  if (absl::Status s = config.Validate(); !s.ok()) return s;
  return config;
}

absl::Status StateNetworkConfig::Validate() const {
  auto in = [](int v, int lo, int hi) { return v >= lo && v <= hi; };
  if (!in(d_model, 8, 4096) || !in(num_layers, 1, 64) ||
      !in(num_heads, 1, 64) || !in(d_ff, 8, 16384) ||
      !in(buckets, 16, 1 << 22) || !in(max_len, 8, 8192) ||
      d_model % num_heads != 0) {
    return absl::InvalidArgumentError(absl::StrCat(
        "state network config out of range: d_model=", d_model,
        " num_layers=", num_layers, " num_heads=", num_heads, " d_ff=", d_ff,
        " buckets=", buckets, " max_len=", max_len));
  }
  return absl::OkStatus();
}

int64_t ValueBucket(const countdown::Rational& value, int buckets) {
  const std::string text = value.ToString();
  return static_cast<int64_t>(model::Fnv1a(text.data(), text.size()) %
                              static_cast<uint64_t>(buckets));
}

StateNetworkImpl::StateNetworkImpl(StateNetworkConfig config)
    : config_(config) {
  const int64_t d = config.d_model;
  values_ = register_module(
      "values", torch::nn::Embedding(config.buckets, config.d_model));
  roles_ = register_module("roles", torch::nn::Embedding(2, d));
  features_ = register_module("features", torch::nn::Linear(kFeatures, d));
  encoder_ = register_module(
      "encoder",
      torch::nn::TransformerEncoder(
          torch::nn::TransformerEncoderLayer(
              torch::nn::TransformerEncoderLayerOptions(d, config.num_heads)
                  .dim_feedforward(config.d_ff)
                  .dropout(0.0)),
          config.num_layers));
  hidden_ = register_module("hidden", torch::nn::Linear(2 * d, d));
  output_ = register_module("output", torch::nn::Linear(d, 1));
  if (config.pair_head) {
    pair_hidden_ = register_module("pair_hidden", torch::nn::Linear(4 * d, d));
    pair_output_ = register_module("pair_output", torch::nn::Linear(d, 1));
  }
  torch::NoGradGuard no_grad;
  values_->weight.normal_(0, 0.1);
}

torch::Tensor StateNetworkImpl::Forward(
    const std::vector<const countdown::State*>& states) {
  const int64_t batch = static_cast<int64_t>(states.size());
  size_t longest = 0;
  for (const countdown::State* s : states) {
    longest = std::max(longest, s->left.size());
  }
  // Token 0 is the target; then the numbers left; padding after them.
  const int64_t time = static_cast<int64_t>(longest) + 1;
  std::vector<int64_t> ids(batch * time, 0), roles(batch * time, kNumberRole);
  std::vector<float> features(batch * time * kFeatures, 0.0f);
  std::vector<int64_t> padding(batch * time, 1);
  std::vector<float> number_mask(batch * time, 0.0f);
  std::vector<float> scratch;
  for (int64_t b = 0; b < batch; ++b) {
    const countdown::State& s = *states[b];
    auto put = [&](int64_t t, const countdown::Rational& value, int64_t role) {
      const int64_t at = b * time + t;
      ids[at] = ValueBucket(value, config_.buckets);
      roles[at] = role;
      padding[at] = 0;
      scratch.clear();
      AppendFeatures(value, s.problem.target, scratch);
      std::copy(scratch.begin(), scratch.end(),
                features.begin() + at * kFeatures);
    };
    put(0, s.problem.target, kTargetRole);
    for (size_t i = 0; i < s.left.size(); ++i) {
      put(static_cast<int64_t>(i) + 1, s.left[i], kNumberRole);
      number_mask[b * time + static_cast<int64_t>(i) + 1] = 1.0f;
    }
  }
  const torch::Tensor id_tensor = torch::tensor(ids).view({batch, time});
  const torch::Tensor role_tensor = torch::tensor(roles).view({batch, time});
  const torch::Tensor feature_tensor =
      torch::tensor(features).view({batch, time, kFeatures});
  torch::Tensor tokens = values_->forward(id_tensor) +
                         roles_->forward(role_tensor) +
                         features_->forward(feature_tensor);
  const torch::Tensor pad = torch::tensor(padding).view({batch, time}).eq(1);
  // The encoder takes [time, batch, d]; padded tokens are masked out.
  torch::Tensor h = encoder_
                        ->forward(tokens.transpose(0, 1), /*src_mask=*/{},
                                  /*src_key_padding_mask=*/pad)
                        .transpose(0, 1);
  const torch::Tensor mask = torch::tensor(number_mask).view({batch, time, 1});
  const torch::Tensor mean = (h * mask).sum(1) / mask.sum(1).clamp_min(1.0f);
  const torch::Tensor target_out = h.select(1, 0);
  const torch::Tensor pooled = torch::cat({target_out, mean}, 1);
  torch::Tensor x =
      output_->forward(torch::relu(hidden_->forward(pooled))).squeeze(-1);
  if (!config_.pair_head || longest < 2) return x;
  // One score per pair of numbers, from the pair, the other numbers' mean
  // and the target; x is the log-sum-exp of the pooled score and every
  // pair's, as a flow sums over the steps that combine a pair.
  std::vector<int64_t> first, second;
  for (int64_t i = 1; i < time; ++i) {
    for (int64_t j = i + 1; j < time; ++j) {
      first.push_back(i);
      second.push_back(j);
    }
  }
  const torch::Tensor i_index = torch::tensor(first);
  const torch::Tensor j_index = torch::tensor(second);
  const torch::Tensor hi = h.index_select(1, i_index);  // [B, P, d]
  const torch::Tensor hj = h.index_select(1, j_index);
  const torch::Tensor mi = mask.index_select(1, i_index);  // [B, P, 1]
  const torch::Tensor mj = mask.index_select(1, j_index);
  const torch::Tensor count = mask.sum(1, /*keepdim=*/true);  // [B, 1, 1]
  const torch::Tensor others = ((h * mask).sum(1, true) - hi * mi - hj * mj) /
                               (count - 2).clamp_min(1.0f);
  const int64_t pairs = static_cast<int64_t>(first.size());
  const torch::Tensor pair_in = torch::cat(
      {hi + hj, hi * hj, others,
       target_out.unsqueeze(1).expand({batch, pairs, target_out.size(1)})},
      2);
  torch::Tensor pair_x =
      pair_output_->forward(torch::relu(pair_hidden_->forward(pair_in)))
          .squeeze(-1);  // [B, P]
  // A pair with padding in it does not count.
  pair_x = pair_x.masked_fill((mi * mj).squeeze(-1).eq(0), -1e4);
  return torch::logsumexp(torch::cat({x.unsqueeze(1), pair_x}, 1), 1);
}

std::vector<std::optional<countdown::State>> PrefixStates(
    absl::string_view text) {
  std::vector<std::optional<countdown::State>> out;
  std::vector<absl::string_view> lines =
      absl::StrSplit(text, '\n', absl::SkipEmpty());
  if (lines.empty()) return out;
  absl::StatusOr<countdown::Problem> problem =
      countdown::ParseProblem(lines[0]);
  if (!problem.ok()) {
    out.resize(lines.size());
    return out;
  }
  std::optional<countdown::State> state = countdown::InitialState(*problem);
  out.push_back(state);
  for (size_t i = 1; i < lines.size(); ++i) {
    if (state.has_value()) {
      absl::StatusOr<countdown::Step> step = countdown::ParseStep(lines[i]);
      absl::StatusOr<countdown::State> next =
          step.ok() ? countdown::ApplyStep(*state, *step)
                    : absl::StatusOr<countdown::State>(step.status());
      if (next.ok() && !state->terminal()) {
        state = *std::move(next);
      } else {
        state.reset();
      }
    }
    out.push_back(state);
  }
  return out;
}

}  // namespace arts::verifier
