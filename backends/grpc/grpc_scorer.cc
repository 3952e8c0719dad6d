#include "backends/grpc/grpc_scorer.h"

#include <algorithm>

#include "backends/grpc/verifier_proto.h"

namespace arts::backends {

absl::StatusOr<std::vector<std::vector<double>>> GrpcScorer::Score(
    const backend::ScoreRequest& request, const backend::CallContext& call) {
  if (absl::Status may = call.MayGoOn(); !may.ok()) return may;
  CallSettings settings;
  settings.deadline = std::min(absl::Now() + timeout_, call.deadline);
  settings.parent = parent_;
  absl::StatusOr<arts::v1::ScoreResponse> response =
      client_.Score(ToProto(request, /*per_step=*/true), settings);
  if (!response.ok()) return response.status();
  return FromProto(*response);
}

}  // namespace arts::backends
