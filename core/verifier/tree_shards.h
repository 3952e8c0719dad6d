#ifndef ARTS_CORE_VERIFIER_TREE_SHARDS_H_
#define ARTS_CORE_VERIFIER_TREE_SHARDS_H_

#include <ostream>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "core/countdown/game24.h"
#include "core/verifier/tree_collector.h"

namespace arts::verifier {

struct ShardOptions {
  std::string directory;  // shards are DIR/trees-00000.txt, ...
  int shard_size = 50;    // problems (trees) per shard file
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

// The shard files of a directory, in order.
std::vector<std::string> ShardPaths(const std::string& directory,
                                    int num_problems, int shard_size);

}  // namespace arts::verifier

#endif  // ARTS_CORE_VERIFIER_TREE_SHARDS_H_
