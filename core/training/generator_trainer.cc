#include "core/training/generator_trainer.h"

#include <chrono>
#include <cmath>
#include <random>

#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "core/countdown/game24.h"
#include "core/eval/generator_eval.h"
#include "core/io/eta.h"
#include "core/model/checkpoint.h"
#include "core/model/compute_threads.h"
#include "core/model/generator.h"
#include "core/model/tokenizer.h"
#include "core/training/snapshots.h"
#include "core/training/trace_encoding.h"

namespace arts::training {
namespace {

using countdown::Game24Puzzle;
using model::Tokenizer;

// Input tokens and next-token targets for one trace. Only the characters the
// model writes at inference (each step's `A op B =`) are targets; the problem
// and the calculator's text are context (target -100 = ignored).
void EncodeExample(const TrainingTrace& trace, const Tokenizer& tokenizer,
                   std::vector<int64_t>& inputs,
                   std::vector<int64_t>& targets) {
  std::string text = countdown::FormatProblem(trace.problem) + "\n";
  std::vector<bool> own(text.size(), false);
  for (const countdown::Step& step : trace.steps) {
    const std::string line = countdown::FormatStep(step) + "\n";
    const size_t head_end = line.find('=') + 1;
    for (size_t i = 0; i < line.size(); ++i) own.push_back(i < head_end);
    text += line;
  }
  EncodeOwnedText(text, own, tokenizer, inputs, targets);
}

double LearningRate(const GeneratorTrainingOptions& o, int64_t step) {
  if (step < o.warmup_steps)
    return o.learning_rate * (step + 1) / o.warmup_steps;
  const double progress = double(step - o.warmup_steps) /
                          std::max<int64_t>(1, o.steps - o.warmup_steps);
  const double cosine = 0.5 * (1 + std::cos(M_PI * std::min(1.0, progress)));
  return o.learning_rate * (o.final_lr_ratio + (1 - o.final_lr_ratio) * cosine);
}

}  // namespace

absl::Status TrainGenerator(const GeneratorTrainingOptions& options,
                            std::ostream& log) {
  if (absl::Status s = model::SetComputeThreads(options.threads); !s.ok()) {
    return s;
  }
  torch::manual_seed(options.seed);
  absl::StatusOr<std::vector<Game24Puzzle>> puzzles =
      countdown::LoadGame24(options.data_path);
  if (!puzzles.ok()) return puzzles.status();
  countdown::HeldOutGuard guard(*puzzles);
  std::vector<countdown::Problem> validation;
  std::vector<std::vector<countdown::Rational>> validation_numbers;
  for (const Game24Puzzle& p : *puzzles) {
    if (p.rank >= kFirstValidationRank && p.split == countdown::Split::kTrain) {
      validation.push_back(p.problem);
      validation_numbers.push_back(p.problem.numbers);
    }
  }
  validation.resize(std::min<size_t>(validation.size(), options.eval_puzzles));
  BasePolicy policy(options.policy, &guard, validation_numbers);

  const Tokenizer tokenizer;
  model::TransformerConfig config = options.model;
  config.vocab_size = tokenizer.vocab_size();
  if (absl::Status s = config.Validate(); !s.ok()) return s;
  model::Transformer net(config);
  int64_t start_step = 0;
  if (const Snapshot snapshot =
          options.resume ? NewestSnapshot(options.output_path, options.steps)
                         : Snapshot{};
      snapshot.step > 0) {
    absl::StatusOr<model::Checkpoint> ckpt =
        model::LoadCheckpoint(snapshot.path, "generator");
    if (!ckpt.ok()) return ckpt.status();
    if (absl::Status s = model::RestoreModule(*ckpt, snapshot.path, *net);
        !s.ok()) {
      return s;
    }
    start_step = snapshot.step;
    log << "resumed from " << snapshot.path << " (optimizer moments restart)\n";
  }
  int64_t num_params = 0;
  for (const auto& p : net->parameters()) num_params += p.numel();
  log << absl::StrFormat(
      "generator: %d parameters, %d layers, d_model %d; %d steps of %d "
      "traces; seed %d\n",
      num_params, config.num_layers, config.d_model, options.steps,
      options.batch_size, options.seed);

  torch::optim::AdamW optimizer(
      net->parameters(), torch::optim::AdamWOptions(options.learning_rate)
                             .weight_decay(options.weight_decay)
                             .betas({0.9, 0.99}));
  // The data stream depends on the seed and the step only, so a resumed run
  // sees the same examples as an uninterrupted one.
  const auto started = std::chrono::steady_clock::now();
  int64_t tokens_seen = 0;
  double loss_sum = 0;
  int loss_count = 0;
  auto metadata = [&](int64_t step) {
    return std::map<std::string, std::string>{
        {"trained_steps", absl::StrCat(step)},
        {"seed", absl::StrCat(options.seed)},
        {"batch_size", absl::StrCat(options.batch_size)},
        {"p_target24", absl::StrCat(options.policy.p_target24)},
        {"base_policy", "hindsight-relabelled random play"}};
  };
  for (int64_t step = start_step; step < options.steps; ++step) {
    std::mt19937_64 rng(options.seed * 1000003ULL + step);
    std::vector<std::vector<int64_t>> inputs(options.batch_size),
        targets(options.batch_size);
    size_t max_len = 0;
    for (int b = 0; b < options.batch_size; ++b) {
      EncodeExample(policy.Sample(rng), tokenizer, inputs[b], targets[b]);
      max_len = std::max(max_len, inputs[b].size());
    }
    if (static_cast<int>(max_len) > config.max_len) {
      return absl::InternalError("a training trace exceeds the context");
    }
    torch::Tensor x = torch::full({options.batch_size, int64_t(max_len)},
                                  Tokenizer::kPad, torch::kLong);
    torch::Tensor y =
        torch::full({options.batch_size, int64_t(max_len)}, -100, torch::kLong);
    for (int b = 0; b < options.batch_size; ++b) {
      const int64_t n = inputs[b].size();
      x[b].narrow(0, 0, n).copy_(torch::tensor(inputs[b]));
      y[b].narrow(0, 0, n).copy_(torch::tensor(targets[b]));
      tokens_seen += n;
    }
    for (auto& group : optimizer.param_groups()) {
      static_cast<torch::optim::AdamWOptions&>(group.options())
          .lr(LearningRate(options, step));
    }
    net->train();
    torch::Tensor logits = net->Forward(x);
    torch::Tensor loss = torch::nn::functional::cross_entropy(
        logits.view({-1, config.vocab_size}), y.view({-1}),
        torch::nn::functional::CrossEntropyFuncOptions().ignore_index(-100));
    optimizer.zero_grad();
    loss.backward();
    torch::nn::utils::clip_grad_norm_(net->parameters(), 1.0);
    optimizer.step();
    loss_sum += loss.item<double>();
    ++loss_count;

    const int64_t done = step + 1;
    if (done % 50 == 0 || done == options.steps) {
      const double elapsed = std::chrono::duration<double>(
                                 std::chrono::steady_clock::now() - started)
                                 .count();
      log << absl::StrFormat(
                 "step %d/%d loss %.4f lr %.2e tokens/s %.0f elapsed %.1fmin "
                 "eta %.1fmin\n",
                 done, options.steps, loss_sum / loss_count,
                 LearningRate(options, step), tokens_seen / elapsed,
                 elapsed / 60,
                 io::EtaMinutes(
                     elapsed / 60, static_cast<double>(done - start_step),
                     static_cast<double>(options.steps - start_step)))
          << std::flush;
      loss_sum = 0;
      loss_count = 0;
    }
    if (done % options.eval_every == 0 || done == options.steps) {
      net->eval();
      const std::string snapshot = SnapshotPath(options.output_path, done);
      if (absl::Status s = model::SaveGenerator(snapshot, net, metadata(done));
          !s.ok()) {
        return s;
      }
      absl::StatusOr<std::unique_ptr<model::Generator>> generator =
          model::Generator::Load(snapshot);
      if (!generator.ok()) return generator.status();
      eval::GeneratorEvalOptions eval_options;
      eval_options.samples = 8;
      eval_options.sampling.seed = 7;
      absl::StatusOr<eval::GeneratorEvalResult> result =
          eval::EvaluateGenerator(**generator, validation, eval_options);
      if (!result.ok()) return result.status();
      log << "validation (train-pool ranks 801+) step " << done << ": "
          << result->Summary() << "\n"
          << std::flush;
    }
  }
  return model::SaveGenerator(options.output_path, net,
                              metadata(options.steps));
}

}  // namespace arts::training
