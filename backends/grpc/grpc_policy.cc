#include "backends/grpc/grpc_policy.h"

#include <algorithm>

#include "backends/grpc/generator_proto.h"

namespace arts::backends {

absl::Status GrpcPolicy::Propose(
    const backend::ProposeRequest& request, const backend::CallContext& call,
    const std::function<void(backend::Candidate)>& on_candidate) {
  if (absl::Status may = call.MayGoOn(); !may.ok()) return may;
  // The search's deadline travels with the call, so the generator stops
  // sampling for a search that has given up.
  CallSettings settings;
  settings.deadline = std::min(absl::Now() + timeout_, call.deadline);
  settings.parent = parent_;
  return client_.Propose(
      ToProto(request),
      [&](const arts::v1::Candidate& candidate) {
        on_candidate(FromProto(candidate));
      },
      settings);
}

}  // namespace arts::backends
