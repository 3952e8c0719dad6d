#include "core/training/verifier_trainer.h"

#include <algorithm>
#include <chrono>
#include <filesystem>
#include <limits>
#include <map>
#include <memory>
#include <random>

#include "absl/status/status.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "core/countdown/problem.h"
#include "core/io/eta.h"
#include "core/model/compute_threads.h"
#include "core/model/memory_reuse.h"
#include "core/text/sentencepiece_model.h"
#include "core/training/balance_trainer.h"
#include "core/training/state_trainer.h"
#include "core/verifier/flow_verifier.h"
#include "core/verifier/losses.h"
#include "core/verifier/trace_encoder.h"
#include "core/verifier/trace_tree.h"
#include "core/verifier/tree_batch.h"
#include "core/verifier/tree_shards.h"

namespace arts::training {
namespace {

// Every node of `trees` as a trace, in MakeTreeBatch's order.
std::vector<verifier::TraceRef> NodeTraces(
    const std::vector<verifier::TraceTree>& trees) {
  std::vector<verifier::TraceRef> traces;
  for (const verifier::TraceTree& tree : trees) {
    for (size_t i = 0; i < tree.nodes.size(); ++i) {
      traces.push_back({tree.problem, tree.StepsTo(static_cast<int>(i))});
    }
  }
  return traces;
}

}  // namespace

absl::StatusOr<VerifierObjective> ParseVerifierObjective(
    absl::string_view name) {
  if (name == "flow") return VerifierObjective::kFlowMatching;
  if (name == "discriminative") return VerifierObjective::kDiscriminative;
  if (name == "mc_prm") return VerifierObjective::kMonteCarlo;
  if (name == "flow_backup") return VerifierObjective::kFlowBackup;
  if (name == "flow_exact") return VerifierObjective::kFlowExact;
  if (name == "flow_subtb") return VerifierObjective::kFlowSubTb;
  return absl::InvalidArgumentError(
      absl::StrCat("unknown objective '", name,
                   "' (expected flow, discriminative, mc_prm, flow_backup, "
                   "flow_exact or flow_subtb)"));
}

absl::string_view VerifierObjectiveName(VerifierObjective objective) {
  switch (objective) {
    case VerifierObjective::kFlowMatching:
      return "flow";
    case VerifierObjective::kDiscriminative:
      return "discriminative";
    case VerifierObjective::kMonteCarlo:
      return "mc_prm";
    case VerifierObjective::kFlowBackup:
      return "flow_backup";
    case VerifierObjective::kFlowExact:
      return "flow_exact";
    case VerifierObjective::kFlowSubTb:
      return "flow_subtb";
  }
  return "flow";
}

namespace {

// The encoder the text network reads `train` with: Countdown's characters,
// or for `text` trees SentencePiece subwords (the options' model, or one
// trained on the trees' problems and steps). Refuses what only Countdown
// has: the state network, the backup objectives, a generator to start from.
absl::StatusOr<std::shared_ptr<const verifier::TraceEncoder>> EncoderForTrees(
    const VerifierTrainingOptions& options,
    const std::vector<verifier::TraceTree>& train) {
  const std::string& task = train.front().task;
  for (const verifier::TraceTree& tree : train) {
    if (tree.task != task) {
      return absl::InvalidArgumentError(absl::StrCat(
          "the trees mix tasks ('", task, "' and '", tree.task, "')"));
    }
  }
  if (task == countdown::kTaskName) return verifier::CountdownCharacters();
  if (task != "text") {
    return absl::InvalidArgumentError(
        absl::StrCat("trees of task '", task, "': expected countdown or text"));
  }
  if (options.architecture != "text" || !options.init_from.empty() ||
      options.objective == VerifierObjective::kFlowBackup ||
      options.objective == VerifierObjective::kFlowExact ||
      options.objective == VerifierObjective::kFlowSubTb) {
    return absl::InvalidArgumentError(
        "text trees train the text network from random weights with the "
        "flow, discriminative or mc_prm objective (the state network, the "
        "backup objectives and --verifier_init read Countdown only)");
  }
  absl::StatusOr<std::shared_ptr<const verifier::TraceEncoder>> encoder;
  if (!options.tokenizer_model.empty()) {
    encoder = verifier::SubwordEncoderFromFile(options.tokenizer_model);
  } else {
    std::vector<std::string> sentences;
    for (const verifier::TraceTree& tree : train) {
      sentences.push_back(tree.problem);
      for (size_t i = 1; i < tree.nodes.size(); ++i) {
        sentences.push_back(tree.nodes[i].step);
      }
    }
    std::string error;
    const std::string model = text::SentencePieceModel::Train(
        sentences, options.subword_vocab, &error);
    if (model.empty()) {
      return absl::InvalidArgumentError(
          absl::StrCat("training the tokenizer: ", error));
    }
    encoder = verifier::SubwordEncoder(model);
  }
  if (!encoder.ok()) {
    return absl::Status(
        encoder.status().code(),
        absl::StrCat("tokenizer_model: ", encoder.status().message()));
  }
  return encoder;
}

}  // namespace

absl::Status TrainVerifier(const VerifierTrainingOptions& options,
                           std::ostream& log) {
  if (absl::Status s = model::SetComputeThreads(options.threads); !s.ok()) {
    return s;
  }
  // Each step allocates and frees the same large tensors.
  model::KeepFreedMemoryForReuse();
  torch::manual_seed(options.seed);
  absl::StatusOr<std::vector<verifier::TraceTree>> trees =
      verifier::ReadTrees(options.trees_dir);
  if (!trees.ok()) return trees.status();
  const size_t validation = std::max<size_t>(
      1, static_cast<size_t>(trees->size() * options.validation_fraction));
  if (trees->size() <= validation) {
    return absl::InvalidArgumentError("need more trees than validation trees");
  }
  std::vector<verifier::TraceTree> train(trees->begin(),
                                         trees->end() - validation);
  std::vector<verifier::TraceTree> held(trees->end() - validation,
                                        trees->end());
  absl::StatusOr<std::shared_ptr<const verifier::TraceEncoder>> encoder =
      EncoderForTrees(options, train);
  if (!encoder.ok()) return encoder.status();
  const absl::string_view objective_name =
      VerifierObjectiveName(options.objective);
  const bool state_objective =
      options.objective == VerifierObjective::kFlowBackup ||
      options.objective == VerifierObjective::kFlowExact;
  const bool path_objective =
      options.objective == VerifierObjective::kFlowSubTb;
  const bool state_network = options.architecture == "state";
  if ((options.objective == VerifierObjective::kFlowExact ||
       options.objective == VerifierObjective::kFlowSubTb) &&
      options.backup_weights == verifier::BackupWeights::kPolicy) {
    return absl::InvalidArgumentError(
        "backup_weights: flow_exact enumerates the rules' completions and "
        "flow_subtb learns its own forward policy; neither takes the "
        "generator's (policy): use uniform or sum");
  }
  const bool language_model = options.lm_weight > 0;
  if (language_model && (state_network || state_objective || path_objective ||
                         !options.init_from.empty())) {
    return absl::InvalidArgumentError(
        "lm_weight: the language-model loss trains the text network from "
        "random weights with the flow, discriminative or mc_prm objective");
  }
  if (state_network && !options.init_from.empty()) {
    return absl::InvalidArgumentError(
        "the state network starts from random weights (it does not read "
        "text, so a generator cannot start it)");
  }
  model::Transformer net{nullptr};  // the text network; none for the state
  if (!state_network && options.init_from.empty()) {
    net =
        verifier::MakeVerifierNetwork(options.model, **encoder, language_model);
  } else if (!state_network) {
    absl::StatusOr<model::Transformer> from_generator =
        verifier::MakeVerifierFromGenerator(options.init_from);
    if (!from_generator.ok()) return from_generator.status();
    net = *std::move(from_generator);
  }
  const verifier::BackupOptions backup = [&] {
    verifier::BackupOptions b =
        verifier::DefaultBackupOptions(options.backup_weights);
    b.log_epsilon = options.log_epsilon;
    return b;
  }();
  // The state objectives train through a FlowVerifier, which holds either
  // network; its floor (for what the state network cannot read) is the
  // backup's dead-end reward.
  std::unique_ptr<verifier::FlowVerifier> verifier;
  // Sub-trajectory balance also trains a forward policy: a second network
  // of the same kind, from random weights, not saved.
  std::unique_ptr<verifier::FlowVerifier> policy;
  const std::map<std::string, std::string> floor = {
      {"log_epsilon", absl::StrCat(backup.log_epsilon)},
      {"log_reward_correct", absl::StrCat(backup.log_reward_correct)}};
  if (state_objective || path_objective || state_network) {
    verifier = state_network
                   ? std::make_unique<verifier::FlowVerifier>(
                         verifier::StateNetwork(options.state_model), floor)
                   : std::make_unique<verifier::FlowVerifier>(net, floor);
  }
  if (path_objective) {
    policy = state_network
                 ? std::make_unique<verifier::FlowVerifier>(
                       verifier::StateNetwork(options.state_model), floor)
                 : std::make_unique<verifier::FlowVerifier>(
                       verifier::MakeVerifierNetwork(net->config(), **encoder),
                       floor);
  }
  const int max_len =
      state_network ? options.state_model.max_len : net->config().max_len;
  std::vector<torch::Tensor> trained =
      verifier ? verifier->parameters() : net->parameters();
  if (policy) {
    for (const torch::Tensor& p : policy->parameters()) trained.push_back(p);
  }
  torch::optim::AdamW optimizer(
      trained,
      torch::optim::AdamWOptions(options.learning_rate).weight_decay(0.01));
  // The trees' objectives read every node's output from one batch: the
  // text network from its paths, the state network from each node's state.
  // With lm_weight, the same pass gives the language model's loss.
  struct TreeLoss {
    torch::Tensor objective;
    torch::Tensor language_model;  // defined with lm_weight only
  };
  auto objective =
      [&](const std::vector<verifier::TraceTree>& trees,
          const verifier::TreeBatch& batch) -> absl::StatusOr<TreeLoss> {
    TreeLoss loss;
    torch::Tensor outputs;
    if (state_network) {
      absl::StatusOr<torch::Tensor> x =
          verifier->LastOutputs(NodeTraces(trees));
      if (!x.ok()) return x.status();
      outputs = *std::move(x);
    } else if (language_model) {
      verifier::NodeOutputsWithLanguageModel both =
          verifier::NodeOutputsAndLanguageModelLoss(*net, batch);
      outputs = std::move(both.node_outputs);
      loss.language_model = std::move(both.language_model_loss);
    } else {
      outputs = verifier::NodeOutputs(*net, batch);
    }
    switch (options.objective) {
      case VerifierObjective::kDiscriminative:
        loss.objective = verifier::ComputeDiscriminativeLoss(outputs, batch);
        return loss;
      case VerifierObjective::kMonteCarlo:
        loss.objective = verifier::ComputeMonteCarloLoss(outputs, batch);
        return loss;
      case VerifierObjective::kFlowMatching:
      case VerifierObjective::kFlowBackup:  // trained on states instead
      case VerifierObjective::kFlowExact:
      case VerifierObjective::kFlowSubTb:  // trained on paths instead
        break;
    }
    loss.objective =
        verifier::ComputeFlowMatchingLoss(outputs, batch, options.leaf_weight,
                                          options.conservation)
            .total;
    return loss;
  };
  auto validation_loss = [&]() -> absl::StatusOr<double> {
    torch::NoGradGuard no_grad;
    double total = 0;
    int batches = 0;
    for (size_t i = 0; i < held.size(); i += options.trees_per_batch) {
      std::vector<verifier::TraceTree> chunk(
          held.begin() + i,
          held.begin() + std::min(held.size(), i + options.trees_per_batch));
      auto batch = verifier::MakeTreeBatch(chunk, options.log_epsilon, max_len,
                                           **encoder);
      if (!batch.ok()) return batch.status();
      // The objective's alone: checkpoints are chosen by it.
      absl::StatusOr<TreeLoss> loss = objective(chunk, *batch);
      if (!loss.ok()) return loss.status();
      total += loss->objective.item<double>();
      ++batches;
    }
    return total / std::max(1, batches);
  };
  log << absl::StrFormat(
             "verifier (%s): %d training trees, %d validation trees, %d "
             "epochs, %d parameters, from %s\n",
             objective_name, train.size(), held.size(), options.epochs,
             verifier ? verifier->num_parameters()
                      : model::CountParameters(*net),
             options.init_from.empty() ? "random weights" : options.init_from)
      << std::flush;
  // Writes the checkpoint with what made it; `unit` is "epoch" or "step".
  auto save = [&](absl::string_view unit, int64_t at, double loss) {
    std::map<std::string, std::string> metadata = {
        {"objective", std::string(objective_name)},
        {std::string(unit), absl::StrCat(at)},
        {"validation_loss", absl::StrCat(loss)},
        {"seed", absl::StrCat(options.seed)},
        {"log_epsilon", absl::StrCat(options.log_epsilon)},
        {"trees", absl::StrCat(train.size())},
        {"init_from",
         options.init_from.empty() ? "random" : options.init_from}};
    if (language_model) metadata["lm_weight"] = absl::StrCat(options.lm_weight);
    (*encoder)->AddTo(metadata);
    if (state_objective || path_objective) {
      metadata["backup_weights"] =
          std::string(verifier::BackupWeightsName(options.backup_weights));
      if (path_objective) {
        metadata["subtb_lambda"] = absl::StrCat(options.subtb_lambda);
      }
      if (options.backup_samples > 0) {
        metadata["backup_samples"] = absl::StrCat(options.backup_samples);
      }
      metadata["log_reward_correct"] = absl::StrCat(backup.log_reward_correct);
    } else {
      metadata["conservation"] =
          options.conservation == verifier::Conservation::kSum ? "sum" : "mean";
      metadata["leaf_weight"] = absl::StrCat(options.leaf_weight);
    }
    if (verifier) {
      return verifier->Save(options.output_path, std::move(metadata));
    }
    model::Transformer saved =
        language_model ? verifier::WithoutLanguageModel(*net) : net;
    return verifier::SaveVerifier(options.output_path, saved,
                                  std::move(metadata));
  };
  if (state_objective) {
    StateTrainingOptions state_options;
    state_options.target = options.objective == VerifierObjective::kFlowExact
                               ? StateTarget::kExact
                               : StateTarget::kBackup;
    state_options.backup = backup;
    state_options.epochs = options.epochs;
    state_options.states_per_batch = options.states_per_batch;
    state_options.backup_samples = static_cast<size_t>(options.backup_samples);
    state_options.max_minutes = options.max_minutes;
    state_options.log_every = options.log_every;
    state_options.validate_every = options.validate_every;
    state_options.seed = options.seed;
    // A bootstrapped loss is not comparable across steps (its targets move),
    // so every validation saves: the checkpoint is the latest.
    return TrainOnStates(
        state_options, *verifier, optimizer, train, held,
        [&](int64_t step, double loss) { return save("step", step, loss); },
        log);
  }
  if (path_objective) {
    BalanceTrainingOptions path_options;
    path_options.rewards = backup;
    path_options.lambda = options.subtb_lambda;
    path_options.paths_per_batch = options.paths_per_batch;
    path_options.timing.epochs = options.epochs;
    path_options.timing.max_minutes = options.max_minutes;
    path_options.timing.log_every = options.log_every;
    path_options.timing.validate_every = options.validate_every;
    path_options.seed = options.seed;
    // The flow's loss depends on the policy's, which moves: the checkpoint
    // is the latest, as for the backup.
    return TrainOnPaths(
        path_options, *verifier, *policy, optimizer, train, held,
        [&](int64_t step, double loss) { return save("step", step, loss); },
        log);
  }
  std::mt19937_64 rng(options.seed);
  double best = std::numeric_limits<double>::infinity();
  const auto start = std::chrono::steady_clock::now();
  bool out_of_time = false;
  for (int epoch = 1; epoch <= options.epochs && !out_of_time; ++epoch) {
    std::shuffle(train.begin(), train.end(), rng);
    double sum = 0, language_model_sum = 0;
    int count = 0;
    for (size_t i = 0; i < train.size(); i += options.trees_per_batch) {
      std::vector<verifier::TraceTree> chunk(
          train.begin() + i,
          train.begin() + std::min(train.size(), i + options.trees_per_batch));
      auto batch = verifier::MakeTreeBatch(chunk, options.log_epsilon, max_len,
                                           **encoder);
      if (!batch.ok()) return batch.status();
      absl::StatusOr<TreeLoss> step_loss = objective(chunk, *batch);
      if (!step_loss.ok()) return step_loss.status();
      torch::Tensor loss = step_loss->objective;
      if (language_model) {
        loss = loss + options.lm_weight * step_loss->language_model;
        language_model_sum += step_loss->language_model.item<double>();
      }
      optimizer.zero_grad();
      loss.backward();
      torch::nn::utils::clip_grad_norm_(
          verifier ? verifier->parameters() : net->parameters(), 1.0);
      optimizer.step();
      sum += step_loss->objective.item<double>();
      ++count;
      if (options.log_every > 0 && count % options.log_every == 0) {
        const int steps_per_epoch =
            (train.size() + options.trees_per_batch - 1) /
            options.trees_per_batch;
        const double seconds = std::chrono::duration<double>(
                                   std::chrono::steady_clock::now() - start)
                                   .count();
        const double steps_done = (epoch - 1) * steps_per_epoch + count;
        const double eta_minutes = io::EtaMinutes(
            seconds / 60, steps_done,
            static_cast<double>(options.epochs) * steps_per_epoch,
            options.max_minutes);
        log << absl::StrFormat(
                   "epoch %d step %d/%d train loss %.4f%s (%.2f s/step, eta "
                   "%.1fmin)\n",
                   epoch, count, steps_per_epoch, sum / count,
                   language_model ? absl::StrFormat(" lm %.4f nats/token",
                                                    language_model_sum / count)
                                  : "",
                   seconds / steps_done, eta_minutes)
            << std::flush;
      }
      // A time limit ends the epoch early; it is validated and saved.
      if (options.max_minutes > 0 &&
          std::chrono::duration<double>(std::chrono::steady_clock::now() -
                                        start)
                      .count() /
                  60 >=
              options.max_minutes) {
        out_of_time = true;
        log << absl::StrFormat("time limit of %.1f min reached at step %d\n",
                               options.max_minutes, count);
        break;
      }
    }
    absl::StatusOr<double> held_loss = validation_loss();
    if (!held_loss.ok()) return held_loss.status();
    const double minutes =
        std::chrono::duration<double>(std::chrono::steady_clock::now() - start)
            .count() /
        60;
    log << absl::StrFormat(
        "epoch %d/%d train loss %.4f validation loss %.4f elapsed %.1fmin "
        "eta %.1fmin",
        epoch, options.epochs, sum / std::max(1, count), *held_loss, minutes,
        out_of_time ? 0.0
                    : io::EtaMinutes(minutes, epoch, options.epochs,
                                     options.max_minutes));
    if (*held_loss < best) {
      best = *held_loss;
      absl::Status saved = save("epoch", epoch, *held_loss);
      if (!saved.ok()) return saved;
      log << " (best, saved)";
    }
    log << "\n" << std::flush;
  }
  return absl::OkStatus();
}

}  // namespace arts::training
