#include "core/training/grpo_trainer.h"

#include <algorithm>
#include <chrono>
#include <random>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "core/countdown/checker.h"
#include "core/countdown/game24.h"
#include "core/io/eta.h"
#include "core/model/checkpoint.h"
#include "core/model/compute_threads.h"
#include "core/model/generator.h"
#include "core/model/propose_in_order.h"
#include "core/model/tokenizer.h"
#include "core/model/transformer_checkpoint.h"
#include "core/training/generated_problems.h"
#include "core/training/snapshots.h"
#include "core/training/trace_encoding.h"

namespace arts::training {
namespace {

using model::Tokenizer;

struct Sample {
  std::string problem;
  std::vector<std::string> steps;
  double reward = 0;
};

// Inputs and targets of one sampled trace. Only the characters the model
// wrote are targets: each step's head up to and including `=`, or all of an
// illegal step, where the calculator never took over. The problem and the
// calculator's text are context (-100).
void EncodeSample(const Sample& sample, const Tokenizer& tokenizer,
                  std::vector<int64_t>& inputs, std::vector<int64_t>& targets) {
  std::string text = sample.problem + "\n";
  std::vector<bool> own(text.size(), false);
  for (const std::string& step : sample.steps) {
    const size_t equals = step.find('=');
    const size_t head_end =
        equals == std::string::npos ? step.size() : equals + 1;
    const std::string line = step + "\n";
    for (size_t i = 0; i < line.size(); ++i) own.push_back(i < head_end);
    text += line;
  }
  EncodeOwnedText(text, own, tokenizer, inputs, targets);
}

// Per-token log-probabilities of `targets` under `net`, [batch, length],
// 0 where the target is ignored.
torch::Tensor TokenLogprobs(model::TransformerImpl& net,
                            const torch::Tensor& inputs,
                            const torch::Tensor& targets) {
  torch::Tensor logp = torch::log_softmax(net.Forward(inputs), -1);
  torch::Tensor index = targets.clamp_min(0).unsqueeze(-1);
  return logp.gather(-1, index).squeeze(-1) * (targets >= 0);
}

absl::StatusOr<std::vector<Sample>> SampleGroups(
    const model::Generator& policy,
    const std::vector<countdown::Problem>& problems, int group_size,
    uint64_t seed, int64_t& tokens) {
  std::vector<Sample> samples;
  for (size_t p = 0; p < problems.size(); ++p) {
    model::ProposeRequest request;
    request.problem = countdown::FormatProblem(problems[p]);
    request.num_candidates = group_size;
    request.max_steps = 0;
    request.sampling.seed = seed * 1000 + p;
    absl::StatusOr<std::vector<model::Candidate>> group =
        model::ProposeInOrder(policy, request);
    if (!group.ok()) return group.status();
    for (model::Candidate& c : *group) {
      tokens += c.num_tokens;
      Sample s{request.problem, std::move(c.steps), 0};
      s.reward = countdown::Reward(countdown::CheckTrace(problems[p], s.steps));
      samples.push_back(std::move(s));
    }
  }
  return samples;
}

// Mean share of correct traces over the validation puzzles.
absl::StatusOr<double> ValidationPassAt1(
    const model::Generator& policy,
    const std::vector<countdown::Problem>& puzzles, int samples) {
  int64_t tokens = 0;
  auto sampled = SampleGroups(policy, puzzles, samples, /*seed=*/7, tokens);
  if (!sampled.ok()) return sampled.status();
  double correct = 0;
  for (const Sample& s : *sampled) correct += s.reward;
  return correct / std::max<size_t>(1, sampled->size());
}

}  // namespace

absl::Status TrainGrpo(const GrpoTrainingOptions& options, std::ostream& log) {
  if (options.steps < 1 || options.problems_per_step < 1 ||
      options.group_size < 2 || options.group_size > 64 ||
      options.updates_per_batch < 1 || !(options.learning_rate > 0) ||
      options.loss.kl_coefficient < 0 || !(options.loss.clip > 0)) {
    return absl::InvalidArgumentError(
        "steps, problems_per_step, updates_per_batch and the learning rate "
        "must be positive, group_size 2 to 64, the KL coefficient >= 0 and "
        "the clip > 0");
  }
  if (absl::Status s = model::SetComputeThreads(options.threads); !s.ok()) {
    return s;
  }
  torch::manual_seed(options.seed);
  auto puzzles = countdown::LoadGame24(options.data_path);
  if (!puzzles.ok()) return puzzles.status();
  std::vector<countdown::Problem> train, validation;
  for (const countdown::Game24Puzzle& p : *puzzles) {
    if (p.split != countdown::Split::kTrain) continue;
    (p.rank < countdown::kFirstValidationRank ? train : validation)
        .push_back(p.problem);
  }
  GeneratedProblemOptions four24;
  four24.min_count = four24.max_count = 4;
  four24.p_target24 = 1.0;
  const std::vector<countdown::Problem> generated =
      GenerateProblems(4000, options.seed, four24, *puzzles);

  auto reference = model::LoadTransformer(options.init_path, "generator");
  if (!reference.ok()) return reference.status();
  auto initial = model::LoadTransformer(options.init_path, "generator");
  if (!initial.ok()) return initial.status();
  model::Transformer net = initial->model;
  int64_t start_step = 0;
  if (const Snapshot snapshot =
          options.resume ? NewestSnapshot(options.output_path, options.steps)
                         : Snapshot{};
      snapshot.step > 0) {
    auto loaded = model::LoadTransformer(snapshot.path, "generator");
    if (!loaded.ok()) return loaded.status();
    net = loaded->model;
    start_step = snapshot.step;
    log << "resumed from " << snapshot.path << " (optimizer moments restart)\n";
  }
  reference->model->eval();
  for (auto& p : reference->model->parameters()) p.requires_grad_(false);
  // The policy samples through the same module it trains.
  model::Generator policy(net, initial->metadata);
  const Tokenizer tokenizer;
  torch::optim::AdamW optimizer(
      net->parameters(),
      torch::optim::AdamWOptions(options.learning_rate).weight_decay(0));
  log << absl::StrFormat(
             "grpo: %d steps of %d problems x %d samples, %d updates each, "
             "lr %.1e, clip %.2f, KL coefficient %.3f, from %s\n",
             options.steps, options.problems_per_step, options.group_size,
             options.updates_per_batch, options.learning_rate,
             options.loss.clip, options.loss.kl_coefficient, options.init_path)
      << std::flush;
  auto pass1 = ValidationPassAt1(policy, validation, options.eval_samples);
  if (!pass1.ok()) return pass1.status();
  log << absl::StrFormat("step %d validation pass@1 %.4f\n", start_step, *pass1)
      << std::flush;

  const auto started = std::chrono::steady_clock::now();
  int64_t sampled_tokens = 0;
  double reward_sum = 0, kl_sum = 0, clipped_sum = 0;
  int window = 0;
  for (int64_t step = start_step + 1; step <= options.steps; ++step) {
    // The problems depend on the seed and the step only, so a resumed run
    // sees what an uninterrupted one would have.
    std::mt19937_64 rng(options.seed * 1'000'003 + step);
    std::bernoulli_distribution use_generated(options.generated_fraction);
    std::vector<countdown::Problem> batch;
    for (int i = 0; i < options.problems_per_step; ++i) {
      const auto& pool = use_generated(rng) ? generated : train;
      batch.push_back(pool[rng() % pool.size()]);
    }
    net->eval();
    auto samples =
        SampleGroups(policy, batch, options.group_size,
                     options.seed * 1'000'003 + step, sampled_tokens);
    if (!samples.ok()) return samples.status();
    std::vector<double> rewards;
    std::vector<std::vector<int64_t>> inputs(samples->size()),
        targets(samples->size());
    size_t max_len = 1;
    for (size_t i = 0; i < samples->size(); ++i) {
      rewards.push_back((*samples)[i].reward);
      EncodeSample((*samples)[i], tokenizer, inputs[i], targets[i]);
      max_len = std::max(max_len, inputs[i].size());
    }
    const int64_t n = static_cast<int64_t>(samples->size());
    torch::Tensor x =
        torch::full({n, int64_t(max_len)}, Tokenizer::kPad, torch::kLong);
    torch::Tensor y = torch::full({n, int64_t(max_len)}, -100, torch::kLong);
    for (int64_t b = 0; b < n; ++b) {
      const int64_t len = inputs[b].size();
      x[b].narrow(0, 0, len).copy_(torch::tensor(inputs[b]));
      y[b].narrow(0, 0, len).copy_(torch::tensor(targets[b]));
    }
    const torch::Tensor mask = y >= 0;
    const std::vector<double> advantages =
        GroupRelativeAdvantages(rewards, options.group_size);
    const torch::Tensor a = torch::tensor(advantages, torch::kFloat);
    torch::Tensor old_logprobs, ref_logprobs;
    {
      torch::NoGradGuard no_grad;
      old_logprobs = TokenLogprobs(*net, x, y);
      ref_logprobs = TokenLogprobs(*reference->model, x, y);
    }
    GrpoLoss loss;
    net->train();
    for (int u = 0; u < options.updates_per_batch; ++u) {
      loss = ComputeGrpoLoss(TokenLogprobs(*net, x, y), old_logprobs,
                             ref_logprobs, mask, a, options.loss);
      optimizer.zero_grad();
      loss.total.backward();
      torch::nn::utils::clip_grad_norm_(net->parameters(), 1.0);
      optimizer.step();
    }
    for (double r : rewards) reward_sum += r / rewards.size();
    kl_sum += loss.kl.item<double>();
    clipped_sum += loss.clipped_fraction.item<double>();
    ++window;
    if (step % options.log_every == 0 || step == options.steps) {
      const double seconds = std::chrono::duration<double>(
                                 std::chrono::steady_clock::now() - started)
                                 .count();
      const double done = step - start_step;
      log << absl::StrFormat(
                 "step %d/%d mean reward %.4f KL %.5f clipped %.3f "
                 "sampled tokens/s %.0f elapsed %.1fmin eta %.1fmin\n",
                 step, options.steps, reward_sum / window, kl_sum / window,
                 clipped_sum / window, sampled_tokens / seconds, seconds / 60,
                 io::EtaMinutes(
                     seconds / 60, done,
                     static_cast<double>(options.steps - start_step)))
          << std::flush;
      reward_sum = kl_sum = clipped_sum = 0;
      window = 0;
    }
    if (step % options.eval_every == 0 || step == options.steps) {
      net->eval();
      auto pass = ValidationPassAt1(policy, validation, options.eval_samples);
      if (!pass.ok()) return pass.status();
      std::map<std::string, std::string> metadata = {
          {"trained_by", "arts-lab train-rl (GRPO)"},
          {"init_from", options.init_path},
          {"step", absl::StrCat(step)},
          {"seed", absl::StrCat(options.seed)},
          {"kl_coefficient", absl::StrCat(options.loss.kl_coefficient)},
          {"clip", absl::StrCat(options.loss.clip)},
          {"validation_pass_at_1", absl::StrCat(*pass)}};
      // Every evaluation leaves a snapshot to resume from; the last step
      // also writes the final checkpoint.
      std::string saved = SnapshotPath(options.output_path, step);
      if (absl::Status s = model::SaveGenerator(saved, net, metadata);
          !s.ok()) {
        return s;
      }
      if (step == options.steps) {
        saved = options.output_path;
        if (absl::Status s = model::SaveGenerator(saved, net, metadata);
            !s.ok()) {
          return s;
        }
      }
      log << absl::StrFormat("step %d validation pass@1 %.4f, saved %s\n", step,
                             *pass, saved)
          << std::flush;
    }
  }
  return absl::OkStatus();
}

}  // namespace arts::training
