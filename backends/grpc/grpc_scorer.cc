#include "backends/grpc/grpc_scorer.h"

#include <algorithm>

#include "absl/strings/str_cat.h"
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
  // A verifier is someone else's code: one that breaks the contract gets a
  // clear INTERNAL error, never scores that silently read as -inf.
  if (response->scores_size() != static_cast<int>(request.traces.size())) {
    return absl::InternalError(absl::StrCat("scores: expected one per trace (",
                                            request.traces.size(), "), got ",
                                            response->scores_size()));
  }
  for (int i = 0; i < response->scores_size(); ++i) {
    const size_t want = request.traces[i].steps.size() + 1;
    const int got = response->scores(i).step_log_flows_size();
    if (static_cast<size_t>(got) != want) {
      return absl::InternalError(
          absl::StrCat("scores[", i,
                       "].step_log_flows: per_step asks for one value per "
                       "prefix (",
                       want, "), got ", got));
    }
  }
  return FromProto(*response);
}

}  // namespace arts::backends
