#include "core/training/balance_trainer.h"

#include <algorithm>
#include <random>

#include "absl/strings/str_format.h"
#include "core/verifier/balance_loss.h"
#include "core/verifier/balance_paths.h"

namespace arts::training {

absl::Status TrainOnPaths(const BalanceTrainingOptions& options,
                          const verifier::FlowVerifier& flow,
                          const verifier::FlowVerifier& policy,
                          torch::optim::Optimizer& optimizer,
                          const std::vector<verifier::TraceTree>& train,
                          const std::vector<verifier::TraceTree>& held,
                          const SaveCheckpoint& save, std::ostream& log) {
  if (options.paths_per_batch < 1 || !(options.lambda >= 0)) {
    return absl::InvalidArgumentError(
        "paths_per_batch must be positive and lambda at least 0");
  }
  const std::vector<verifier::BalancePath> train_paths =
      verifier::MakeBalancePaths(train, options.rewards);
  std::vector<verifier::BalancePath> held_paths =
      verifier::MakeBalancePaths(held, options.rewards);
  std::mt19937_64 rng(options.seed);
  std::shuffle(held_paths.begin(), held_paths.end(), rng);
  if (held_paths.size() > options.max_validation_paths) {
    held_paths.resize(options.max_validation_paths);
  }
  if (train_paths.empty() || held_paths.empty()) {
    return absl::InvalidArgumentError("no training or validation paths");
  }
  const size_t batch = static_cast<size_t>(options.paths_per_batch);
  auto loss_on = [&](const std::vector<verifier::BalancePath>& paths,
                     const std::vector<size_t>& indices) {
    std::vector<const verifier::BalancePath*> part;
    for (size_t i : indices) part.push_back(&paths[i]);
    return verifier::SubTrajectoryBalanceLoss(
        flow, policy, part, options.lambda, options.rewards.weights);
  };
  auto validation_loss = [&]() -> absl::StatusOr<double> {
    torch::NoGradGuard no_grad;
    return MeanOverBatches(
        held_paths.size(), batch,
        [&](size_t begin, size_t end) -> absl::StatusOr<double> {
          std::vector<size_t> indices;
          for (size_t j = begin; j < end; ++j) indices.push_back(j);
          absl::StatusOr<torch::Tensor> loss = loss_on(held_paths, indices);
          if (!loss.ok()) return loss.status();
          return loss->item<double>();
        });
  };
  std::vector<size_t> order(train_paths.size());
  for (size_t i = 0; i < order.size(); ++i) order[i] = i;
  size_t next = order.size();
  std::vector<torch::Tensor> parameters = flow.parameters();
  for (const torch::Tensor& p : policy.parameters()) parameters.push_back(p);
  auto train_step = [&]() -> absl::StatusOr<double> {
    std::vector<size_t> indices;
    while (indices.size() < batch) {
      if (next == order.size()) {
        std::shuffle(order.begin(), order.end(), rng);
        next = 0;
      }
      indices.push_back(order[next++]);
    }
    absl::StatusOr<torch::Tensor> loss = loss_on(train_paths, indices);
    if (!loss.ok()) return loss.status();
    optimizer.zero_grad();
    loss->backward();
    torch::nn::utils::clip_grad_norm_(parameters, 1.0);
    optimizer.step();
    return loss->item<double>();
  };
  TimedStepsOptions timing = options.timing;
  timing.steps_per_epoch = static_cast<int64_t>(
      std::max<size_t>(1, (train_paths.size() + batch - 1) / batch));
  log << absl::StrFormat(
             "sub-trajectory balance (lambda %g, %s): %d training paths, "
             "%d validation paths, %d steps an epoch\n",
             options.lambda,
             verifier::BackupWeightsName(options.rewards.weights),
             train_paths.size(), held_paths.size(), timing.steps_per_epoch)
      << std::flush;
  return RunTimedSteps(timing, train_step, validation_loss, save, log);
}

}  // namespace arts::training
