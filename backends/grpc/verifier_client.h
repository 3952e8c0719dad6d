#ifndef ARTS_BACKENDS_GRPC_VERIFIER_CLIENT_H_
#define ARTS_BACKENDS_GRPC_VERIFIER_CLIENT_H_

#include <grpcpp/grpcpp.h>

#include <functional>
#include <memory>

#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "arts/v1/verifier.grpc.pb.h"
#include "backends/grpc/channel.h"

namespace arts::backends {

// A thin, typed client for arts.v1.Verifier.
class VerifierClient {
 public:
  explicit VerifierClient(std::shared_ptr<grpc::Channel> channel);

  // Scores the request's traces in one call.
  absl::StatusOr<arts::v1::ScoreResponse> Score(
      const arts::v1::ScoreRequest& request, const CallSettings& settings);
  // The same within `timeout` of now.
  absl::StatusOr<arts::v1::ScoreResponse> Score(
      const arts::v1::ScoreRequest& request, absl::Duration timeout,
      bool wait_for_ready = false);

  // The same on gRPC's callback API: `done` is called once, from a gRPC
  // thread, when `response` is filled or the call failed. `context`,
  // `request` and `response` must live until then.
  void StartScore(grpc::ClientContext* context,
                  const arts::v1::ScoreRequest* request,
                  arts::v1::ScoreResponse* response,
                  std::function<void(grpc::Status)> done);

  absl::StatusOr<arts::v1::ModelInfo> GetModelInfo(absl::Duration timeout);

 private:
  std::unique_ptr<arts::v1::Verifier::Stub> stub_;
};

}  // namespace arts::backends

#endif  // ARTS_BACKENDS_GRPC_VERIFIER_CLIENT_H_
