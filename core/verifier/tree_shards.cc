#include "core/verifier/tree_shards.h"

#include <algorithm>
#include <chrono>
#include <filesystem>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "core/countdown/problem.h"
#include "core/io/eta.h"

namespace arts::verifier {

absl::StatusOr<std::vector<TraceTree>> ReadTrees(const std::string& path) {
  std::error_code error;
  if (std::filesystem::is_regular_file(path, error)) return ReadTreeFile(path);
  std::vector<std::string> paths;
  for (const auto& entry : std::filesystem::directory_iterator(path, error)) {
    const std::string name = entry.path().filename().string();
    if ((absl::StartsWith(name, "trees-") && absl::EndsWith(name, ".txt")) ||
        IsJsonLinesPath(name)) {
      paths.push_back(entry.path().string());
    }
  }
  if (error || paths.empty()) {
    return absl::NotFoundError(absl::StrCat(
        "no trees-*.txt or *.jsonl tree files in ", path,
        " (run `arts-lab collect-trees --trees_dir ", path, "` first)"));
  }
  std::sort(paths.begin(), paths.end());
  std::vector<TraceTree> trees;
  for (const std::string& file : paths) {
    absl::StatusOr<std::vector<TraceTree>> shard = ReadTreeFile(file);
    if (!shard.ok()) return shard.status();
    for (auto& tree : *shard) trees.push_back(std::move(tree));
  }
  return trees;
}

std::vector<std::string> ShardPaths(const std::string& directory,
                                    int num_problems, int shard_size,
                                    absl::string_view extension) {
  std::vector<std::string> paths;
  for (int first = 0; first < num_problems; first += shard_size) {
    paths.push_back(absl::StrFormat("%s/trees-%05d%s", directory,
                                    first / shard_size, extension));
  }
  return paths;
}

absl::Status CollectTreeShards(backend::Policy& policy,
                               const std::vector<countdown::Problem>& problems,
                               const countdown::HeldOutGuard& guard,
                               const ShardOptions& options, std::ostream& log) {
  std::vector<TreeProblem> tree_problems;
  for (const countdown::Problem& problem : problems) {
    if (guard.IsHeldOut(problem)) {
      return absl::InvalidArgumentError(absl::StrCat(
          "problem ", countdown::FormatProblem(problem),
          " is a test or tail puzzle and must never be used for training"));
    }
    tree_problems.push_back(CountdownTreeProblem(problem));
  }
  return CollectTreeShards(policy, tree_problems, options, log);
}

absl::Status CollectTreeShards(backend::Policy& policy,
                               const std::vector<TreeProblem>& problems,
                               const ShardOptions& options, std::ostream& log) {
  if (options.shard_size < 1) {
    return absl::InvalidArgumentError("shard_size: must be >= 1");
  }
  const bool countdown =
      !problems.empty() && problems.front().task == countdown::kTaskName;
  std::error_code error;
  std::filesystem::create_directories(options.directory, error);
  if (error) {
    return absl::PermissionDeniedError(absl::StrCat(
        "cannot create ", options.directory, ": ", error.message()));
  }
  const std::vector<std::string> paths =
      ShardPaths(options.directory, static_cast<int>(problems.size()),
                 options.shard_size, countdown ? ".txt" : ".jsonl");
  const auto start = std::chrono::steady_clock::now();
  // Trees this run collects (kept shards are not collected again), for the
  // progress lines' ETA.
  size_t to_collect = problems.size();
  size_t collected = 0;
  for (size_t shard = 0; shard < paths.size(); ++shard) {
    const size_t first = shard * options.shard_size;
    const size_t last = std::min(problems.size(), first + options.shard_size);
    absl::StatusOr<std::vector<TraceTree>> existing =
        ReadTreeFile(paths[shard]);
    bool complete = existing.ok() && existing->size() == last - first;
    for (size_t i = first; complete && i < last; ++i) {
      complete = (*existing)[i - first].problem == problems[i].problem;
    }
    if (complete) {
      log << "kept " << paths[shard] << "\n";
      to_collect -= last - first;
      continue;
    }
    std::vector<TraceTree> trees;
    int64_t nodes = 0;
    for (size_t i = first; i < last; ++i) {
      CollectorOptions collector = options.collector;
      collector.sampling.seed = options.collector.sampling.seed + i;
      absl::StatusOr<TraceTree> tree =
          CollectTree(policy, problems[i], collector);
      if (!tree.ok()) return tree.status();
      nodes += static_cast<int64_t>(tree->nodes.size());
      trees.push_back(*std::move(tree));
    }
    if (absl::Status s = WriteTreeFile(paths[shard], trees); !s.ok()) return s;
    const double elapsed =
        std::chrono::duration<double>(std::chrono::steady_clock::now() - start)
            .count();
    collected += trees.size();
    log << absl::StrFormat(
               "wrote %s: %d trees, %d nodes (%d of %d trees, %.1fs elapsed, "
               "eta %.1fmin)\n",
               paths[shard], trees.size(), nodes, collected, to_collect,
               elapsed,
               io::EtaMinutes(elapsed / 60, static_cast<double>(collected),
                              static_cast<double>(to_collect)))
        << std::flush;
  }
  return absl::OkStatus();
}

}  // namespace arts::verifier
