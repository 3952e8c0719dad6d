#include "client/lab/lab_flags.h"

#include "absl/flags/flag.h"
#include "absl/strings/str_cat.h"
#include "core/io/default_paths.h"
#include "core/model/compute_threads.h"

ABSL_FLAG(std::string, model, arts::io::DefaultModelPath("generator.ckpt"),
          "generator checkpoint (default: the bundled one, in "
          "$ARTS_MODELS_DIR or else the checkout's models/)");
ABSL_FLAG(std::string, verifier_model,
          arts::io::DefaultModelPath("verifier_flow.ckpt"),
          "verifier checkpoint, or 'exact' (solve, eval): the exact verifier, "
          "log F from Countdown's solver (docs/verifier.md)");
ABSL_FLAG(int, threads, 0,
          "compute threads (LibTorch and OpenBLAS), 1-64; 0 = 2 for "
          "training, 1 for sampling");
ABSL_FLAG(std::string, trees_dir, "runs/trees",
          "directory of the trace-tree shard files");

namespace arts::cli {

int TrainingThreads(int threads_flag) {
  return threads_flag == 0 ? 2 : threads_flag;
}

absl::Status SetSamplingThreads(int threads_flag) {
  absl::Status set =
      model::SetComputeThreads(threads_flag == 0 ? 1 : threads_flag);
  if (!set.ok()) {
    return absl::InvalidArgumentError(absl::StrCat("--", set.message()));
  }
  return absl::OkStatus();
}

}  // namespace arts::cli
