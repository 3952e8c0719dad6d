#ifndef ARTS_CORE_TRAINING_VERIFIER_TRAINER_H_
#define ARTS_CORE_TRAINING_VERIFIER_TRAINER_H_

#include <cstdint>
#include <ostream>
#include <string>

#include "absl/status/statusor.h"
#include "core/model/transformer.h"
#include "core/verifier/backup_states.h"
#include "core/verifier/losses.h"
#include "core/verifier/state_network.h"

namespace arts::training {

enum class VerifierObjective {
  kFlowMatching,    // conservation over the sampled children
  kDiscriminative,  // binary cross-entropy on the trace's outcome
  kMonteCarlo,      // MSE on the share of correct rollouts
  kFlowBackup,      // conservation over every legal child, bootstrapped
  kFlowExact,       // exact flows by enumeration: the supervised ceiling
  kFlowSubTb,       // sub-trajectory balance with a learned forward policy
};

// "flow", "discriminative", "mc_prm", "flow_backup", "flow_exact" or
// "flow_subtb".
absl::StatusOr<VerifierObjective> ParseVerifierObjective(
    absl::string_view name);
absl::string_view VerifierObjectiveName(VerifierObjective objective);

struct VerifierTrainingOptions {
  std::string trees_dir;    // shards written by `arts-lab collect-trees`
  std::string output_path;  // the best checkpoint by validation loss
  VerifierObjective objective = VerifierObjective::kFlowMatching;
  uint64_t seed = 1;
  int epochs = 3;
  int trees_per_batch = 8;
  double learning_rate = 1e-3;
  double leaf_weight = 1.0;  // weight of the terminal term (flow)
  // Floor of log R relative to a correct leaf's (flow). -12 makes a wrong
  // leaf ~0; the paper's log-flow smoothing (R = 10 correct, 0.1 wrong) is
  // log(0.1 / 10) = -4.6.
  double log_epsilon = -12.0;
  verifier::Conservation conservation = verifier::Conservation::kMean;
  double validation_fraction = 0.1;  // the last trees, by problem order
  int threads = 1;
  int log_every = 100;             // progress line every this many steps
  model::TransformerConfig model;  // vocab and output size are set for you
  // Stop training after this many minutes (0: after `epochs`), so that
  // objectives can be compared at equal training time.
  double max_minutes = 0;
  // flow_backup and flow_exact: the weights of the children in the backup,
  // states per step, steps between validations (each saves).
  verifier::BackupWeights backup_weights = verifier::BackupWeights::kUniform;
  int states_per_batch = 64;
  int backup_samples = 0;  // flow_backup: children drawn per state, 0 = all
  int validate_every = 500;
  // flow_subtb: SubTB(lambda) (0 = detailed balance) and sampled paths per
  // step; validate_every applies too.
  double subtb_lambda = 0.9;
  int paths_per_batch = 64;
  // "text" (a transformer over the trace) or "state" (the state network,
  // flow_backup and flow_exact only; docs/verifier.md).
  std::string architecture = "text";
  verifier::StateNetworkConfig state_model;
  // A generator checkpoint to start from instead of random weights; its
  // architecture then replaces `model`.
  std::string init_from;
  // Trees of the `text` task: the text network reads SentencePiece
  // subwords, from this `.model` file, or (empty) from a model of
  // `subword_vocab` pieces trained here on the training trees' problems and
  // steps. The model goes into the checkpoint.
  std::string tokenizer_model;
  int subword_vocab = 256;
  // The text network from random weights (flow, discriminative, mc_prm):
  // weight of an auxiliary language-model loss, predicting each next token
  // of the trees' traces from the same network (a second head, dropped from
  // the checkpoint), so that the network learns to read the text the
  // objective's sparse rewards alone teach slowly. 0 = none.
  double lm_weight = 0;
};

// Trains a verifier on trace trees, printing progress and validation loss
// each epoch, and keeps the checkpoint with the lowest validation loss.
absl::Status TrainVerifier(const VerifierTrainingOptions& options,
                           std::ostream& log);

}  // namespace arts::training

#endif  // ARTS_CORE_TRAINING_VERIFIER_TRAINER_H_
