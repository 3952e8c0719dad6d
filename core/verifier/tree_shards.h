#ifndef ARTS_CORE_VERIFIER_TREE_SHARDS_H_
#define ARTS_CORE_VERIFIER_TREE_SHARDS_H_

#include <ostream>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "core/countdown/game24.h"
#include "core/verifier/tree_collector.h"

namespace arts::verifier {

struct ShardOptions {
  // Shards are DIR/trees-00000.txt, ... for Countdown (the text format) and
  // DIR/trees-00000.jsonl, ... for any other task (JSON Lines).
  std::string directory;
  int shard_size = 50;  // problems (trees) per shard file
  CollectorOptions collector;
};

// Collects one tree per problem into shard files. Problem i is sampled with
// seed collector.sampling.seed + i, so a shard's contents do not depend on
// which shards were collected before. A shard that already exists and reads
// back with the right problems is kept, so an interrupted run resumes where
// it stopped; a missing, partial or corrupt one is collected again.
// Refuses any problem that `guard` holds out (test and tail puzzles).
absl::Status CollectTreeShards(backend::Policy& policy,
                               const std::vector<countdown::Problem>& problems,
                               const countdown::HeldOutGuard& guard,
                               const ShardOptions& options, std::ostream& log);
// The same for problems of any task, each with its reward. Keeping problems
// out of training is the caller's part.
absl::Status CollectTreeShards(backend::Policy& policy,
                               const std::vector<TreeProblem>& problems,
                               const ShardOptions& options, std::ostream& log);

// Every tree of a tree file, or of a directory's tree files (trees-*.txt
// shards and any *.jsonl file), in file-name order. NotFound when there is
// none.
absl::StatusOr<std::vector<TraceTree>> ReadTrees(const std::string& path);

// The shard files of a directory, in order; `extension` ".txt" or ".jsonl".
std::vector<std::string> ShardPaths(const std::string& directory,
                                    int num_problems, int shard_size,
                                    absl::string_view extension = ".txt");

}  // namespace arts::verifier

#endif  // ARTS_CORE_VERIFIER_TREE_SHARDS_H_
