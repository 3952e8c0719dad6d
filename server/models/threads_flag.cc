#include "server/models/threads_flag.h"

#include "absl/strings/str_cat.h"
#include "core/model/compute_threads.h"
#include "server/server_main.h"

namespace arts::server {

absl::Status ApplyThreadsFlag(int threads) {
  if (absl::Status s = CheckFlagRange("--threads", threads, 1, 256); !s.ok()) {
    return s;
  }
  absl::Status set = model::SetComputeThreads(threads);
  if (!set.ok()) {
    return absl::Status(set.code(), absl::StrCat("--", set.message()));
  }
  return absl::OkStatus();
}

}  // namespace arts::server
