#ifndef ARTS_SERVER_MODELS_SCORE_REACTOR_H_
#define ARTS_SERVER_MODELS_SCORE_REACTOR_H_

#include <grpcpp/grpcpp.h>

#include <atomic>
#include <vector>

#include "absl/status/statusor.h"
#include "arts/v1/verifier.pb.h"
#include "server/models/verifier_service.h"
#include "server/rpc_metrics.h"

namespace arts::server {

// One Score call on the callback API. Who owns what, in order: gRPC creates
// the call; Start hands its traces to the scheduler (or finishes at once
// with the refusal); the scheduler calls OnScored once, from its thread,
// which fills the response and finishes; gRPC then calls OnDone, which
// deletes the reactor. Finish never comes before OnScored, so the
// scheduler's callbacks always find the reactor alive.
class ScoreReactor final : public grpc::ServerUnaryReactor {
 public:
  ScoreReactor(VerifierService& service, grpc::CallbackServerContext* context,
               const arts::v1::ScoreRequest* request,
               arts::v1::ScoreResponse* response);
  void Start();

  void OnCancel() override { cancelled_.store(true); }
  void OnDone() override { delete this; }

 private:
  void OnScored(absl::StatusOr<std::vector<std::vector<double>>> scores);
  // Records the call's metrics, then finishes it; `this` may be gone after.
  void FinishCall(const absl::Status& status);

  VerifierService& service_;
  grpc::CallbackServerContext* context_;
  const arts::v1::ScoreRequest* request_;
  arts::v1::ScoreResponse* response_;
  RpcMetrics::Call call_;
  std::atomic<bool> cancelled_{false};
};

}  // namespace arts::server

#endif  // ARTS_SERVER_MODELS_SCORE_REACTOR_H_
