// The flags only arts-lab has: models loaded in this process, their compute
// threads, and the trace trees. The shared ones (problems, splits, search,
// sampling) are client/cli/flag_groups.h's.
#ifndef ARTS_CLIENT_LAB_LAB_FLAGS_H_
#define ARTS_CLIENT_LAB_LAB_FLAGS_H_

#include <string>

#include "absl/flags/declare.h"
#include "absl/status/status.h"
#include "client/cli/flag_groups.h"
#include "client/cli/flag_reader.h"

ABSL_DECLARE_FLAG(std::string, model);
ABSL_DECLARE_FLAG(std::string, verifier_model);
ABSL_DECLARE_FLAG(int, threads);
// Trace trees: collect-trees writes them, train-verifier reads them.
ABSL_DECLARE_FLAG(std::string, trees_dir);

namespace arts::cli {

// The compute threads for a sampling command, from --threads as read: 1
// when 0 (decoding is overhead-bound: 1 thread measured 2.5-4x faster than
// 2). InvalidArgument "--threads: ..." when out of range.
absl::Status SetSamplingThreads(int threads_flag);

// The compute threads for a training command, from --threads as read: 2
// when 0.
int TrainingThreads(int threads_flag);

}  // namespace arts::cli

#endif  // ARTS_CLIENT_LAB_LAB_FLAGS_H_
