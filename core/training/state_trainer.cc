#include "core/training/state_trainer.h"

#include <algorithm>
#include <cmath>
#include <random>

#include "absl/strings/str_format.h"
#include "core/countdown/checker.h"
#include "core/countdown/problem.h"
#include "core/verifier/backup_loss.h"
#include "core/verifier/flow_verifier.h"

namespace arts::training {
namespace {

// The exact flows of `states`, for the supervised ceiling.
std::vector<float> ExactTargets(
    const std::vector<verifier::BackupState>& states,
    const verifier::BackupOptions& options) {
  std::vector<float> targets;
  targets.reserve(states.size());
  for (const verifier::BackupState& state : states) {
    if (state.leaf) {
      targets.push_back(static_cast<float>(state.leaf_log_reward));
      continue;
    }
    // MakeBackupStates keeps only problems that parse.
    const countdown::TraceVerdict verdict = countdown::CheckTrace(
        *countdown::ParseProblem(state.problem), state.steps);
    targets.push_back(
        static_cast<float>(verifier::ExactLogFlow(verdict.state, options)));
  }
  return targets;
}

// Draws batches with fixed shares of each kind of state, each kind's states
// in a shuffled order that is reshuffled when it runs out.
class StratifiedSampler {
 public:
  StratifiedSampler(const std::vector<verifier::BackupState>& states,
                    std::mt19937_64& rng)
      : rng_(rng) {
    for (size_t i = 0; i < states.size(); ++i) {
      const verifier::BackupState& s = states[i];
      const int kind = s.leaf ? 0 : std::min(s.numbers_left, 4) - 1;
      buckets_[kind].push_back(i);
    }
    for (auto& bucket : buckets_)
      std::shuffle(bucket.begin(), bucket.end(), rng_);
  }

  std::vector<size_t> Next(size_t batch) {
    constexpr double kShares[4] = {1.0 / 8, 3.0 / 8, 3.0 / 8, 1.0 / 8};
    double total = 0;
    for (int k = 0; k < 4; ++k) {
      if (!buckets_[k].empty()) total += kShares[k];
    }
    std::vector<size_t> out;
    for (int k = 0; k < 4 && out.size() < batch; ++k) {
      if (buckets_[k].empty()) continue;
      size_t n = static_cast<size_t>(std::lround(batch * kShares[k] / total));
      n = std::min(std::max<size_t>(n, 1), batch - out.size());
      for (size_t i = 0; i < n; ++i) {
        if (next_[k] == buckets_[k].size()) {
          std::shuffle(buckets_[k].begin(), buckets_[k].end(), rng_);
          next_[k] = 0;
        }
        out.push_back(buckets_[k][next_[k]++]);
      }
    }
    return out;
  }

 private:
  std::mt19937_64& rng_;
  std::vector<size_t> buckets_[4];  // leaves; 2, 3, >= 4 numbers left
  size_t next_[4] = {0, 0, 0, 0};
};

}  // namespace

absl::Status TrainOnStates(const StateTrainingOptions& options,
                           const verifier::FlowVerifier& net,
                           torch::optim::Optimizer& optimizer,
                           const std::vector<verifier::TraceTree>& train,
                           const std::vector<verifier::TraceTree>& held,
                           const SaveCheckpoint& save, std::ostream& log) {
  // The target network is `net` itself, read in no-grad mode with a prefix
  // cache (neither network has dropout, so eval and train modes agree).
  const verifier::FlowVerifier& target = net;
  const std::vector<verifier::BackupState> train_states =
      verifier::MakeBackupStates(train, options.backup);
  std::vector<verifier::BackupState> held_states =
      verifier::MakeBackupStates(held, options.backup);
  std::mt19937_64 rng(options.seed);
  std::shuffle(held_states.begin(), held_states.end(), rng);
  if (held_states.size() > options.max_validation_states) {
    held_states.resize(options.max_validation_states);
  }
  if (train_states.empty() || held_states.empty()) {
    return absl::InvalidArgumentError("no training or validation states");
  }
  const bool exact = options.target == StateTarget::kExact;
  std::vector<float> train_exact, held_exact;
  if (exact) {
    train_exact = ExactTargets(train_states, options.backup);
    held_exact = ExactTargets(held_states, options.backup);
  }
  // The loss on states[index] for each index, by the objective.
  // Training draws options.backup_samples children per state where asked;
  // validation always backs up from every child.
  auto batch_loss = [&](const std::vector<verifier::BackupState>& states,
                        const std::vector<float>& exact_targets,
                        const std::vector<size_t>& indices,
                        bool sample) -> absl::StatusOr<torch::Tensor> {
    std::vector<const verifier::BackupState*> part;
    std::vector<float> exact_part;
    for (size_t i : indices) {
      part.push_back(&states[i]);
      if (exact) exact_part.push_back(exact_targets[i]);
    }
    absl::StatusOr<torch::Tensor> y =
        exact ? absl::StatusOr<torch::Tensor>(torch::tensor(exact_part))
              : verifier::BackupTargets(target, part, /*chunk=*/256,
                                        sample ? options.backup_samples : 0,
                                        &rng);
    if (!y.ok()) return y.status();
    absl::StatusOr<torch::Tensor> outputs = verifier::StateOutputs(net, part);
    if (!outputs.ok()) return outputs.status();
    return verifier::BackupLoss(*outputs, *y);
  };
  auto validation_loss = [&]() -> absl::StatusOr<double> {
    torch::NoGradGuard no_grad;
    return MeanOverBatches(
        held_states.size(), options.states_per_batch,
        [&](size_t begin, size_t end) -> absl::StatusOr<double> {
          std::vector<size_t> indices;
          for (size_t j = begin; j < end; ++j) indices.push_back(j);
          absl::StatusOr<torch::Tensor> loss =
              batch_loss(held_states, held_exact, indices, /*sample=*/false);
          if (!loss.ok()) return loss.status();
          return loss->item<double>();
        });
  };

  TimedStepsOptions timing;
  timing.epochs = options.epochs;
  timing.steps_per_epoch =
      (train_states.size() + options.states_per_batch - 1) /
      options.states_per_batch;
  timing.max_minutes = options.max_minutes;
  timing.log_every = options.log_every;
  timing.validate_every = options.validate_every;
  log << absl::StrFormat(
             "%s targets: %d training states, %d validation states, %d "
             "steps an epoch\n",
             exact ? "exact" : "full-backup", train_states.size(),
             held_states.size(), timing.steps_per_epoch)
      << std::flush;
  StratifiedSampler sampler(train_states, rng);
  auto train_step = [&]() -> absl::StatusOr<double> {
    absl::StatusOr<torch::Tensor> loss =
        batch_loss(train_states, train_exact,
                   sampler.Next(options.states_per_batch), /*sample=*/true);
    if (!loss.ok()) return loss.status();
    optimizer.zero_grad();
    loss->backward();
    torch::nn::utils::clip_grad_norm_(net.parameters(), 1.0);
    optimizer.step();
    return loss->item<double>();
  };
  return RunTimedSteps(timing, train_step, validation_loss, save, log);
}

}  // namespace arts::training
