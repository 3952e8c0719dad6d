#ifndef ARTS_SERVER_MODELS_THREADS_FLAG_H_
#define ARTS_SERVER_MODELS_THREADS_FLAG_H_

#include "absl/status/status.h"

namespace arts::server {

// The --threads flag of a binary that runs a model: checks it (1 to 256,
// "--threads: must be 1 to 256, got 0") and sets LibTorch's and OpenBLAS's
// threads for the process (model::SetComputeThreads).
absl::Status ApplyThreadsFlag(int threads);

}  // namespace arts::server

#endif  // ARTS_SERVER_MODELS_THREADS_FLAG_H_
