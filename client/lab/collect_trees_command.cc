#include <iostream>
#include <memory>

#include "absl/flags/flag.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "backends/grpc/channel.h"
#include "backends/grpc/grpc_policy.h"
#include "backends/local/local_policy.h"
#include "client/cli/flag_groups.h"
#include "client/lab/commands.h"
#include "client/lab/lab_flags.h"
#include "core/countdown/game24.h"
#include "core/countdown/problem.h"
#include "core/task/reference_problems.h"
#include "core/task/text_task.h"
#include "core/training/generated_problems.h"
#include "core/training/generator_trainer.h"
#include "core/verifier/tree_shards.h"

ABSL_FLAG(int, problems, 800,
          "train-pool puzzles to use, ranks 1..N (N <= 800); --task text: "
          "the first N problems of --problems_file");
ABSL_FLAG(int, shard_size, 50, "trees per shard file");
ABSL_FLAG(int, children, 4, "candidates per expanded node");
ABSL_FLAG(int, breadth, 16, "nodes expanded per depth");
ABSL_FLAG(std::string, children_by_depth, "",
          "candidates per expanded node by depth, e.g. 16,4,1 (the last "
          "applies to every deeper level); sampled a depth per call. Empty = "
          "--children, one parent per call");
ABSL_FLAG(int, forks, 0,
          "intermediate nodes drawn per tree to get more trajectories");
ABSL_FLAG(int, fork_rollouts, 4, "trajectories sampled from each fork");
ABSL_FLAG(int, generated, 0,
          "generated problems added after the train-pool puzzles (3-5 "
          "numbers, target 24 or a random game's result)");
ABSL_FLAG(uint64_t, generated_seed, 1, "seed of the generated problems");
ABSL_FLAG(std::string, from_generator, "",
          "a Generator service address; empty = in-process "
          "with --model");
namespace arts::cli {
namespace {

struct CollectTreesOptions {
  std::string task;  // countdown or text
  verifier::ShardOptions shards;
  int problems = 0;
  int generated = 0;
  uint64_t generated_seed = 0;
  std::string data;
  std::string problems_file;   // --task text
  std::string from_generator;  // "": in this process over `model`
  std::string model;
  int threads = 0;  // --threads as given
};

absl::StatusOr<CollectTreesOptions> ParseCollectTreesOptions(
    FlagReader& flags) {
  CollectTreesOptions options;
  options.task = flags(FLAGS_task);
  const std::string children_by_depth = flags(FLAGS_children_by_depth);
  verifier::ShardOptions& shards = options.shards;
  shards.directory = flags(FLAGS_trees_dir);
  shards.shard_size = flags(FLAGS_shard_size);
  shards.collector.children = flags(FLAGS_children);
  shards.collector.max_expanded_per_depth = flags(FLAGS_breadth);
  shards.collector.forks = flags(FLAGS_forks);
  shards.collector.fork_rollouts = flags(FLAGS_fork_rollouts);
  shards.collector.max_tokens = flags(FLAGS_max_tokens);
  shards.collector.sampling.seed = flags(FLAGS_seed);
  shards.collector.sampling.constrained = flags(FLAGS_constrained);
  shards.collector.sampling.temperature = flags(FLAGS_temperature);
  options.problems = flags(FLAGS_problems);
  options.generated = flags(FLAGS_generated);
  options.generated_seed = flags(FLAGS_generated_seed);
  options.data = flags(FLAGS_data);
  options.problems_file = flags(FLAGS_problems_file);
  options.from_generator = flags(FLAGS_from_generator);
  options.model = flags(FLAGS_model);
  options.threads = flags(FLAGS_threads);

  if (options.task != countdown::kTaskName && options.task != "text") {
    return absl::InvalidArgumentError(absl::StrCat(
        "--task: expected countdown or text, got '", options.task, "'"));
  }
  for (absl::string_view field :
       absl::StrSplit(children_by_depth, ',', absl::SkipEmpty())) {
    int k = 0;
    if (!absl::SimpleAtoi(field, &k)) {
      return absl::InvalidArgumentError(
          absl::StrCat("--children_by_depth: '", field, "' is not a number"));
    }
    shards.collector.children_by_depth.push_back(k);
  }
  if (options.task == "text") {
    if (options.problems_file.empty() || options.from_generator.empty()) {
      return absl::InvalidArgumentError(
          "--task text needs --problems_file (problems with reference "
          "answers) and --from_generator (the Generator service to sample "
          "from)");
    }
    return options;
  }
  const int last_rank = training::kFirstValidationRank - 1;
  if (options.problems < 0 || options.problems > last_rank ||
      options.generated < 0 || options.problems + options.generated < 1) {
    return absl::InvalidArgumentError(absl::StrCat(
        "--problems must be 0 to ", last_rank,
        " (ranks after that are validation, test and tail) and --generated "
        ">= 0, with at least one problem in all"));
  }
  return options;
}

// `arts-lab collect-trees --task text`: trees from any Generator service,
// rewarded by reference answers, written as JSON Lines shards.
int CollectTextTrees(const CollectTreesOptions& options) {
  absl::StatusOr<std::vector<task::ReferenceProblem>> problems =
      task::ReadReferenceProblems(options.problems_file);
  if (!problems.ok()) {
    std::cerr << "collect-trees: --problems_file: "
              << problems.status().message() << "\n";
    return 2;
  }
  // Say how many of the file's problems are used, so that neither a cap
  // nor a short file goes unnoticed.
  const int in_file = static_cast<int>(problems->size());
  if (in_file > options.problems) {
    std::cerr << "collect-trees: using the first " << options.problems
              << " of the " << in_file << " problems of "
              << options.problems_file << " (--problems " << options.problems
              << ")\n";
  } else if (in_file < options.problems) {
    std::cerr << "collect-trees: " << options.problems_file << " holds "
              << in_file << " problems, fewer than --problems "
              << options.problems << ": using all " << in_file << "\n";
  }
  std::vector<verifier::TreeProblem> tree_problems;
  const task::TextTask text;
  for (const auto& p : *problems) {
    if (static_cast<int>(tree_problems.size()) == options.problems) break;
    tree_problems.push_back(verifier::ReferenceAnswerTreeProblem(
        "text", p.problem, p.answer,
        [&text](absl::string_view a) { return text.NormalizeAnswer(a); }));
  }
  backends::GrpcPolicy policy(backends::InsecureChannel(options.from_generator),
                              absl::Seconds(60));
  absl::Status status = verifier::CollectTreeShards(policy, tree_problems,
                                                    options.shards, std::cout);
  if (!status.ok()) {
    std::cerr << "collect-trees: " << status << "\n";
    return 1;
  }
  return 0;
}

int RunCollectTrees(const CollectTreesOptions& options) {
  if (options.task == "text") return CollectTextTrees(options);
  auto puzzles = countdown::LoadGame24(options.data);
  if (!puzzles.ok()) {
    std::cerr << "collect-trees: " << puzzles.status().message() << "\n";
    return 1;
  }
  std::vector<countdown::Problem> problems;
  for (const countdown::Game24Puzzle& p : *puzzles) {
    if (p.rank <= options.problems) problems.push_back(p.problem);
  }
  for (countdown::Problem& p : training::GenerateProblems(
           options.generated, options.generated_seed,
           training::GeneratedProblemOptions{}, *puzzles)) {
    problems.push_back(std::move(p));
  }
  std::unique_ptr<model::Generator> generator;
  std::unique_ptr<backend::Policy> policy;
  if (options.from_generator.empty()) {
    if (absl::Status threads = SetSamplingThreads(options.threads);
        !threads.ok()) {
      std::cerr << "collect-trees: " << threads.message() << "\n";
      return 2;
    }
    auto loaded = model::Generator::Load(options.model);
    if (!loaded.ok()) {
      std::cerr << "collect-trees: --model: " << loaded.status().message()
                << "\n";
      return 1;
    }
    generator = *std::move(loaded);
    policy = std::make_unique<backends::LocalPolicy>(*generator);
  } else {
    policy = std::make_unique<backends::GrpcPolicy>(
        backends::InsecureChannel(options.from_generator), absl::Seconds(60));
  }
  absl::Status status = verifier::CollectTreeShards(
      *policy, problems, countdown::HeldOutGuard(*puzzles), options.shards,
      std::cout);
  if (!status.ok()) {
    std::cerr << "collect-trees: " << status << "\n";
    return 1;
  }
  return 0;
}

}  // namespace

Command CollectTreesCommand() {
  return MakeCommand<CollectTreesOptions>(
      "collect-trees", "sample trace trees for verifier training",
      ParseCollectTreesOptions, RunCollectTrees);
}

}  // namespace arts::cli
