#include <iostream>
#include <memory>

#include "absl/flags/declare.h"
#include "absl/flags/flag.h"
#include "client/commands.h"
#include "client/grpc_proposer.h"
#include "core/countdown/game24.h"
#include "core/training/generator_trainer.h"
#include "core/verifier/tree_shards.h"

ABSL_DECLARE_FLAG(std::string, data);
ABSL_DECLARE_FLAG(uint64_t, seed);
ABSL_DECLARE_FLAG(int, threads);
ABSL_DECLARE_FLAG(bool, constrained);
ABSL_DECLARE_FLAG(double, temperature);
ABSL_FLAG(std::string, trees_dir, "runs/trees",
          "collect-trees: directory for the shard files");
ABSL_FLAG(int, problems, 800,
          "collect-trees: train-pool puzzles to use, ranks 1..N (N <= 800)");
ABSL_FLAG(int, shard_size, 50, "collect-trees: trees per shard file");
ABSL_FLAG(int, children, 4, "collect-trees: candidates per expanded node");
ABSL_FLAG(int, breadth, 16, "collect-trees: nodes expanded per depth");
ABSL_FLAG(int64_t, max_tokens, 0,
          "collect-trees: sampled-token budget per tree; solve, eval: per "
          "search (0 = none)");
ABSL_FLAG(std::string, from_generator, "",
          "collect-trees: a Generator service address; empty = in-process "
          "with --model");

namespace arts::cli {

std::string ModelPathOrDefault();

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
  std::unique_ptr<search::Proposer> proposer;
  const std::string address = absl::GetFlag(FLAGS_from_generator);
  if (address.empty()) {
    const int threads = absl::GetFlag(FLAGS_threads);
    torch::set_num_threads(threads == 0 ? 1 : threads);
    auto loaded = model::Generator::Load(ModelPathOrDefault());
    if (!loaded.ok()) {
      std::cerr << "collect-trees: --model: " << loaded.status().message()
                << "\n";
      return 1;
    }
    generator = *std::move(loaded);
    proposer = std::make_unique<search::LocalProposer>(*generator);
  } else {
    proposer = std::make_unique<client::GrpcProposer>(
        client::InsecureChannel(address), absl::Seconds(60));
  }
  absl::Status status = verifier::CollectTreeShards(
      *proposer, problems, countdown::HeldOutGuard(*puzzles), options,
      std::cout);
  if (!status.ok()) {
    std::cerr << "collect-trees: " << status << "\n";
    return 1;
  }
  return 0;
}

}  // namespace arts::cli
