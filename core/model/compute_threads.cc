#include "core/model/compute_threads.h"

#include <dlfcn.h>
#include <torch/torch.h>

#include <atomic>

#include "absl/strings/str_cat.h"

namespace arts::model {
namespace {

// Each SetComputeThreads starts a generation; a thread that has applied the
// current one has nothing to do.
std::atomic<int> generation{0};
thread_local int applied_generation = 0;

// OpenBLAS's thread controls, looked up at run time: LibTorch links the
// system BLAS, which is OpenBLAS only where libopenblas0 provides it.
using SetThreads = void (*)(int);
using GetThreads = int (*)();

SetThreads OpenBlasSet() {
  return reinterpret_cast<SetThreads>(
      dlsym(RTLD_DEFAULT, "openblas_set_num_threads"));
}

GetThreads OpenBlasGet() {
  return reinterpret_cast<GetThreads>(
      dlsym(RTLD_DEFAULT, "openblas_get_num_threads"));
}

}  // namespace

absl::Status SetComputeThreads(int threads) {
  if (threads < 1 || threads > kMaxComputeThreads) {
    return absl::InvalidArgumentError(absl::StrCat(
        "threads: must be 1 to ", kMaxComputeThreads, ", got ", threads));
  }
  // at::set_num_threads stores the number that at::init_num_threads later
  // applies on other threads, and applies it on this one.
  at::set_num_threads(threads);
  try {
    at::set_num_interop_threads(threads);
  } catch (const std::exception&) {
    // The inter-op pool has started (or was sized before): it keeps its
    // size. Only the intra-op pools and OpenBLAS change.
  }
  if (SetThreads set = OpenBlasSet()) set(threads);
  applied_generation = ++generation;
  return absl::OkStatus();
}

void UseComputeThreadsOnThisThread() {
  const int current = generation.load();
  if (current == 0 || applied_generation == current) return;
  at::init_num_threads();
  applied_generation = current;
}

ComputeThreads CurrentComputeThreads() {
  ComputeThreads threads;
  threads.intra_op = at::get_num_threads();
  threads.inter_op = at::get_num_interop_threads();
  if (GetThreads get = OpenBlasGet()) threads.openblas = get();
  return threads;
}

}  // namespace arts::model
