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
namespace {

// `arts-lab collect-trees --task text`: trees from any Generator service,
// rewarded by reference answers, written as JSON Lines shards.
int CollectTextTrees(const arts::verifier::ShardOptions& options) {
  const std::string path = absl::GetFlag(FLAGS_problems_file);
  const std::string address = absl::GetFlag(FLAGS_from_generator);
  if (path.empty() || address.empty()) {
    std::cerr << "collect-trees: --task text needs --problems_file (problems "
                 "with reference answers) and --from_generator (the "
                 "Generator service to sample from)\n";
    return 2;
  }
  absl::StatusOr<std::vector<arts::task::ReferenceProblem>> problems =
      arts::task::ReadReferenceProblems(path);
  if (!problems.ok()) {
    std::cerr << "collect-trees: --problems_file: "
              << problems.status().message() << "\n";
    return 2;
  }
  const int limit = absl::GetFlag(FLAGS_problems);
  std::vector<arts::verifier::TreeProblem> tree_problems;
  const arts::task::TextTask text;
  for (const auto& p : *problems) {
    if (static_cast<int>(tree_problems.size()) == limit) break;
    tree_problems.push_back(arts::verifier::ReferenceAnswerTreeProblem(
        "text", p.problem, p.answer,
        [&text](absl::string_view a) { return text.NormalizeAnswer(a); }));
  }
  arts::backends::GrpcPolicy policy(arts::backends::InsecureChannel(address),
                                    absl::Seconds(60));
  absl::Status status = arts::verifier::CollectTreeShards(policy, tree_problems,
                                                          options, std::cout);
  if (!status.ok()) {
    std::cerr << "collect-trees: " << status << "\n";
    return 1;
  }
  return 0;
}

}  // namespace

namespace arts::cli {

int RunCollectTrees() {
  const std::string task = absl::GetFlag(FLAGS_task);
  if (task != "countdown" && task != "text") {
    std::cerr << "collect-trees: --task: expected countdown or text, got '"
              << task << "'\n";
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
  if (task == "text") return CollectTextTrees(options);
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
