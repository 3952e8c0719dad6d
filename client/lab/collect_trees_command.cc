#include <iostream>
#include <memory>

#include "absl/flags/flag.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_split.h"
#include "backends/grpc/channel.h"
#include "backends/grpc/grpc_policy.h"
#include "backends/local/local_policy.h"
#include "client/cli/flag_groups.h"
#include "client/lab/commands.h"
#include "client/lab/lab_flags.h"
#include "core/countdown/game24.h"
#include "core/training/generated_problems.h"
#include "core/training/generator_trainer.h"
#include "core/verifier/tree_shards.h"

ABSL_FLAG(int, problems, 800,
          "train-pool puzzles to use, ranks 1..N (N <= 800)");
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

int RunCollectTrees() {
  const int num_problems = absl::GetFlag(FLAGS_problems);
  const int last_rank = training::kFirstValidationRank - 1;
  const int generated = absl::GetFlag(FLAGS_generated);
  if (num_problems < 0 || num_problems > last_rank || generated < 0 ||
      num_problems + generated < 1) {
    std::cerr << "collect-trees: --problems must be 0 to " << last_rank
              << " (ranks after that are validation, test and tail) and "
                 "--generated >= 0, with at least one problem in all\n";
    return 2;
  }
  std::vector<int> children_by_depth;
  for (absl::string_view field : absl::StrSplit(
           absl::GetFlag(FLAGS_children_by_depth), ',', absl::SkipEmpty())) {
    int k = 0;
    if (!absl::SimpleAtoi(field, &k)) {
      std::cerr << "collect-trees: --children_by_depth: '" << field
                << "' is not a number\n";
      return 2;
    }
    children_by_depth.push_back(k);
  }
  auto puzzles = countdown::LoadGame24(absl::GetFlag(FLAGS_data));
  if (!puzzles.ok()) {
    std::cerr << "collect-trees: " << puzzles.status().message() << "\n";
    return 1;
  }
  std::vector<countdown::Problem> problems;
  for (const countdown::Game24Puzzle& p : *puzzles) {
    if (p.rank <= num_problems) problems.push_back(p.problem);
  }
  for (countdown::Problem& p : training::GenerateProblems(
           generated, absl::GetFlag(FLAGS_generated_seed),
           training::GeneratedProblemOptions{}, *puzzles)) {
    problems.push_back(std::move(p));
  }
  verifier::ShardOptions options;
  options.directory = absl::GetFlag(FLAGS_trees_dir);
  options.shard_size = absl::GetFlag(FLAGS_shard_size);
  options.collector.children = absl::GetFlag(FLAGS_children);
  options.collector.max_expanded_per_depth = absl::GetFlag(FLAGS_breadth);
  options.collector.children_by_depth = children_by_depth;
  options.collector.forks = absl::GetFlag(FLAGS_forks);
  options.collector.fork_rollouts = absl::GetFlag(FLAGS_fork_rollouts);
  options.collector.max_tokens = absl::GetFlag(FLAGS_max_tokens);
  options.collector.sampling.seed = absl::GetFlag(FLAGS_seed);
  options.collector.sampling.constrained = absl::GetFlag(FLAGS_constrained);
  options.collector.sampling.temperature = absl::GetFlag(FLAGS_temperature);

  std::unique_ptr<model::Generator> generator;
  std::unique_ptr<backend::Policy> policy;
  const std::string address = absl::GetFlag(FLAGS_from_generator);
  if (address.empty()) {
    if (absl::Status threads = SetSamplingThreads(); !threads.ok()) {
      std::cerr << "collect-trees: " << threads.message() << "\n";
      return 2;
    }
    auto loaded = model::Generator::Load(absl::GetFlag(FLAGS_model));
    if (!loaded.ok()) {
      std::cerr << "collect-trees: --model: " << loaded.status().message()
                << "\n";
      return 1;
    }
    generator = *std::move(loaded);
    policy = std::make_unique<backends::LocalPolicy>(*generator);
  } else {
    policy = std::make_unique<backends::GrpcPolicy>(
        backends::InsecureChannel(address), absl::Seconds(60));
  }
  absl::Status status = verifier::CollectTreeShards(
      *policy, problems, countdown::HeldOutGuard(*puzzles), options, std::cout);
  if (!status.ok()) {
    std::cerr << "collect-trees: " << status << "\n";
    return 1;
  }
  return 0;
}

}  // namespace arts::cli
