#include "backends/grpc/grpc_scorer.h"

#include <algorithm>
#include <memory>
#include <optional>
#include <utility>

#include "absl/strings/str_cat.h"
#include "backends/grpc/solve_metadata.h"
#include "backends/grpc/verifier_proto.h"

namespace arts::backends {

namespace {

// The scores of `response`, or INTERNAL when the verifier broke the contract.
// A verifier is someone else's code: one that does gets a clear error,
// never scores that silently read as -inf.
absl::StatusOr<std::vector<std::vector<double>>> CheckedScores(
    const backend::ScoreRequest& request,
    const arts::v1::ScoreResponse& response) {
  if (response.scores_size() != static_cast<int>(request.traces.size())) {
    return absl::InternalError(absl::StrCat("scores: expected one per trace (",
                                            request.traces.size(), "), got ",
                                            response.scores_size()));
  }
  for (int i = 0; i < response.scores_size(); ++i) {
    const size_t want = request.traces[i].steps.size() + 1;
    const int got = response.scores(i).step_log_flows_size();
    if (static_cast<size_t>(got) != want) {
      return absl::InternalError(
          absl::StrCat("scores[", i,
                       "].step_log_flows: per_step asks for one value per "
                       "prefix (",
                       want, "), got ", got));
    }
  }
  return FromProto(response);
}

}  // namespace

absl::StatusOr<std::vector<std::vector<double>>> GrpcScorer::Score(
    const backend::ScoreRequest& request, const backend::CallContext& call) {
  if (absl::Status may = call.MayGoOn(); !may.ok()) return may;
  absl::StatusOr<arts::v1::ScoreResponse> response =
      client_.Score(ToProto(request, /*per_step=*/true),
                    BackendCallSettings(timeout_, parent_, call));
  if (!response.ok()) return response.status();
  return CheckedScores(request, *response);
}

void GrpcScorer::StartScore(const backend::ScoreRequest& request,
                            const backend::CallContext& call,
                            ScoreDone on_done) {
  if (absl::Status may = call.MayGoOn(); !may.ok()) return on_done(may);
  // What the call needs until it ends, owned by its callback.
  struct Pending {
    backend::ScoreRequest request;
    std::unique_ptr<grpc::ClientContext> context;
    arts::v1::ScoreRequest proto;
    arts::v1::ScoreResponse response;
    ScoreDone on_done;
    std::function<void(const backend::BackendTime&)> on_time;
  };
  auto pending = std::make_shared<Pending>();
  pending->request = request;
  pending->context =
      MakeClientContext(BackendCallSettings(timeout_, parent_, call));
  pending->proto = ToProto(request, /*per_step=*/true);
  pending->on_done = std::move(on_done);
  pending->on_time = call.on_time;
  Pending* raw = pending.get();
  client_.StartScore(
      raw->context.get(), &raw->proto, &raw->response,
      [pending](grpc::Status status) {
        if (!status.ok()) {
          return pending->on_done(FromGrpcStatus(status));
        }
        if (std::optional<backend::BackendTime> time = BackendTimeFrom(
                backend::BackendTime::Backend::kVerifier, *pending->context);
            time.has_value() && pending->on_time) {
          pending->on_time(*time);
        }
        pending->on_done(CheckedScores(pending->request, pending->response));
      });
}

}  // namespace arts::backends
