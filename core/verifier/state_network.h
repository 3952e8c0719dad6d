#ifndef ARTS_CORE_VERIFIER_STATE_NETWORK_H_
#define ARTS_CORE_VERIFIER_STATE_NETWORK_H_

#include <torch/torch.h>

#include <map>
#include <optional>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "core/countdown/checker.h"

namespace arts::verifier {

// The shape of a state network (docs/verifier.md, "The state network").
struct StateNetworkConfig {
  int d_model = 64;
  int num_layers = 2;
  int num_heads = 4;
  int d_ff = 256;
  // Each number's value is hashed into one of this many learned embeddings.
  int buckets = 16384;
  // The longest trace text it accepts, in characters, as the text network's
  // context bounds its traces (the Verifier contract's limits are the same).
  int max_len = 320;
  // A score per pair of numbers, log-sum-exp pooled with the set's score.
  bool pair_head = false;

  std::map<std::string, std::string> ToMap() const;
  // Reads a config written by ToMap; errors name the missing or bad key.
  static absl::StatusOr<StateNetworkConfig> FromMap(
      const std::map<std::string, std::string>& map);
  absl::Status Validate() const;
};

// A verifier network that reads a Countdown state, not its text: the target
// and the numbers left, one token each. A token's embedding is learned per
// value (hashed into `buckets`) plus a projection of a few numeric features
// (sign, magnitude, integer or not), and a role (target or number). A
// transformer encoder without positions reads them as a set; the target's
// output and the numbers' mean give one score, each pair of numbers (with the
// others' mean and the target) another, and their log-sum-exp is the output
// x, as a flow sums over the steps that combine a pair; log F = log sigmoid(x).
// What it cannot read, an illegal step, is scored by the caller.
class StateNetworkImpl : public torch::nn::Module {
 public:
  explicit StateNetworkImpl(StateNetworkConfig config);

  // x for each state, [states].
  torch::Tensor Forward(const std::vector<const countdown::State*>& states);

  const StateNetworkConfig& config() const { return config_; }

 private:
  StateNetworkConfig config_;
  torch::nn::Embedding values_{nullptr};
  torch::nn::Embedding roles_{nullptr};
  torch::nn::Linear features_{nullptr};
  torch::nn::TransformerEncoder encoder_{nullptr};
  torch::nn::Linear hidden_{nullptr};
  torch::nn::Linear output_{nullptr};
  torch::nn::Linear pair_hidden_{nullptr};
  torch::nn::Linear pair_output_{nullptr};
};
TORCH_MODULE(StateNetwork);

// The state after each prefix of a trace's text (the problem line, then one
// line per step): entry 0 is the problem's start, entry i the state after
// step i. An entry is empty from the first step that does not parse or
// check (or that follows a terminal state) on, and every entry is empty when
// the problem does not parse.
std::vector<std::optional<countdown::State>> PrefixStates(
    absl::string_view text);

// The embedding bucket of a value: a stable hash (FNV-1a) of its text.
int64_t ValueBucket(const countdown::Rational& value, int buckets);

}  // namespace arts::verifier

#endif  // ARTS_CORE_VERIFIER_STATE_NETWORK_H_
