#ifndef ARTS_SERVER_MODELS_PROPOSE_REACTOR_H_
#define ARTS_SERVER_MODELS_PROPOSE_REACTOR_H_

#include <grpcpp/grpcpp.h>

#include <atomic>
#include <chrono>

#include "absl/status/status.h"
#include "arts/v1/generator.pb.h"
#include "core/model/candidate_row.h"
#include "server/models/generator_service.h"
#include "server/rpc_metrics.h"
#include "server/write_queue.h"

namespace arts::server {

// One Propose call on the callback API. Who owns what, in order: gRPC
// creates the call; Start hands the request to the scheduler, or to the
// service's policy (or finishes at once with its refusal); the scheduler
// (the policy) calls OnCandidate for each candidate and OnJobDone once, from
// its thread; candidates are written one at a time, and Finish comes after
// the last write completes; gRPC then calls OnDone, which deletes the
// reactor. Until OnJobDone the scheduler may call back, so Finish (and so
// the deletion) never comes before it.
class ProposeReactor final
    : public grpc::ServerWriteReactor<arts::v1::Candidate> {
 public:
  ProposeReactor(GeneratorService& service,
                 grpc::CallbackServerContext* context);
  void Start(const arts::v1::ProposeRequest& request);

  void OnWriteDone(bool ok) override;
  void OnCancel() override { cancelled_.store(true); }
  void OnDone() override { delete this; }

 private:
  // The service's policy answers instead of a model.
  void StartOnPolicy(const arts::v1::ProposeRequest& request);
  void OnCandidate(backend::Candidate candidate);
  void OnJobDone(absl::Status status, const model::ProposeStats& stats);
  // Records the call's metrics, then finishes it; `this` may be gone after.
  void FinishCall(const absl::Status& status);

  GeneratorService& service_;
  grpc::CallbackServerContext* context_;
  RpcMetrics::Call call_;
  const std::chrono::steady_clock::time_point start_;
  std::atomic<bool> cancelled_{false};

  std::atomic<bool> first_candidate_{true};
  std::atomic<int64_t> policy_tokens_{0};  // the policy's candidates' tokens
  WriteQueue<arts::v1::Candidate, absl::Status> writes_;
};

}  // namespace arts::server

#endif  // ARTS_SERVER_MODELS_PROPOSE_REACTOR_H_
