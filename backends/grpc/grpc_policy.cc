#include "backends/grpc/grpc_policy.h"

#include <algorithm>
#include <utility>

#include "absl/container/flat_hash_set.h"
#include "backends/grpc/generator_proto.h"

namespace arts::backends {

absl::Status GrpcPolicy::Propose(
    const backend::ProposeRequest& request, const backend::CallContext& call,
    const std::function<void(backend::Candidate)>& on_candidate) {
  // Candidates already passed on, by (prefix, index): a resumed stream skips
  // them. With a seed the generator sends the same candidates again; without
  // one, the resumed stream's are fresh samples, as good as the lost ones.
  absl::flat_hash_set<std::pair<int, int>> delivered;
  const arts::v1::ProposeRequest proto = ToProto(request);
  absl::Status status;
  for (int attempt = 0; attempt <= kMaxResumes; ++attempt) {
    if (absl::Status may = call.MayGoOn(); !may.ok()) return may;
    // The search's deadline travels with the call, so the generator stops
    // sampling for a search that has given up.
    CallSettings settings;
    settings.deadline = std::min(absl::Now() + timeout_, call.deadline);
    settings.parent = parent_;
    status = client_.Propose(
        proto,
        [&](const arts::v1::Candidate& candidate) {
          if (delivered.insert({candidate.prefix_index(), candidate.index()})
                  .second) {
            on_candidate(FromProto(candidate));
          }
        },
        settings);
    // UNAVAILABLE after the stream started (gRPC's retry policy in
    // BackendChannel covers a call that never started): its replica went
    // away, so the call goes again, round robin to another one.
    if (!absl::IsUnavailable(status)) break;
  }
  return status;
}

}  // namespace arts::backends
