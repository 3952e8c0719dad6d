#include <iostream>
#include <memory>

#include "absl/flags/flag.h"
#include "backends/grpc/channel.h"
#include "backends/grpc/grpc_policy.h"
#include "backends/local/local_policy.h"
#include "client/cli/commands.h"
#include "client/cli/flag_groups.h"
#include "core/countdown/game24.h"
#include "core/training/generator_trainer.h"
#include "core/verifier/tree_shards.h"

ABSL_FLAG(int, problems, 800,
          "train-pool puzzles to use, ranks 1..N (N <= 800)");
ABSL_FLAG(int, shard_size, 50, "trees per shard file");
ABSL_FLAG(int, children, 4, "candidates per expanded node");
ABSL_FLAG(int, breadth, 16, "nodes expanded per depth");
ABSL_FLAG(std::string, from_generator, "",
          "a Generator service address; empty = in-process "
          "with --model");

namespace arts::cli {

int RunCollectTrees() {
  const int num_problems = absl::GetFlag(FLAGS_problems);
  const int last_rank = training::kFirstValidationRank - 1;
  if (num_problems < 1 || num_problems > last_rank) {
    std::cerr << "collect-trees: --problems must be 1 to " << last_rank
              << " (ranks after that are validation, test and tail)\n";
    return 2;
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
  verifier::ShardOptions options;
  options.directory = absl::GetFlag(FLAGS_trees_dir);
  options.shard_size = absl::GetFlag(FLAGS_shard_size);
  options.collector.children = absl::GetFlag(FLAGS_children);
  options.collector.max_expanded_per_depth = absl::GetFlag(FLAGS_breadth);
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
