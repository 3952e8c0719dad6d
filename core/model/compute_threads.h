// The compute threads of this process, set in one place.
//
// Three pools decide how many cores a forward pass uses: LibTorch's intra-op
// pool (OpenMP), its inter-op pool, and OpenBLAS's own pthreads. OpenMP's
// thread count is a per-thread setting: torch::set_num_threads on the main
// thread does not reach a thread that gRPC or the standard library starts
// later, which then runs its model work on every core and oversubscribes
// the machine when several requests run at once (issue 9). Set the number
// once with SetComputeThreads; the model entry points (Generator::Propose,
// FlowVerifier::Score) call UseComputeThreadsOnThisThread, so the setting
// holds on whichever thread runs the work.
#ifndef ARTS_CORE_MODEL_COMPUTE_THREADS_H_
#define ARTS_CORE_MODEL_COMPUTE_THREADS_H_

#include "absl/status/status.h"

namespace arts::model {

inline constexpr int kMaxComputeThreads = 64;

// Sets every pool to `threads` (1..kMaxComputeThreads) for the whole
// process, the calling thread at once and other threads at their next
// UseComputeThreadsOnThisThread. LibTorch lets the inter-op pool be sized
// only before it first runs; later calls leave it as it is.
// InvalidArgument "threads: ..." when out of range.
absl::Status SetComputeThreads(int threads);

// Applies the process's setting to the calling thread, if one was made and
// this thread does not have it yet: a thread-local check after the first
// call on a thread.
void UseComputeThreadsOnThisThread();

// What the calling thread would use now, for tests and logs.
struct ComputeThreads {
  int intra_op = 0;  // OpenMP threads of this thread's parallel regions
  int inter_op = 0;
  int openblas = 0;  // 0 when the BLAS in use is not OpenBLAS
};
ComputeThreads CurrentComputeThreads();

}  // namespace arts::model

#endif  // ARTS_CORE_MODEL_COMPUTE_THREADS_H_
