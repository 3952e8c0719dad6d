#ifndef ARTS_BACKENDS_GRPC_GRPC_SCORER_H_
#define ARTS_BACKENDS_GRPC_GRPC_SCORER_H_

#include <memory>
#include <vector>

#include "absl/time/time.h"
#include "backends/grpc/verifier_client.h"
#include "core/backend/scorer.h"

namespace arts::backends {

// backend::Scorer over a running Verifier service; deadlines and the
// optional parent call as for GrpcPolicy.
class GrpcScorer : public backend::Scorer {
 public:
  GrpcScorer(std::shared_ptr<grpc::Channel> channel, absl::Duration timeout,
             const grpc::ServerContextBase* parent = nullptr)
      : client_(std::move(channel)), timeout_(timeout), parent_(parent) {}

  absl::StatusOr<std::vector<std::vector<double>>> Score(
      const backend::ScoreRequest& request,
      const backend::CallContext& call) override;
  // On gRPC's callback API: no thread waits for the verifier.
  void StartScore(const backend::ScoreRequest& request,
                  const backend::CallContext& call, ScoreDone on_done) override;

 private:
  VerifierClient client_;
  absl::Duration timeout_;
  const grpc::ServerContextBase* parent_;
};

}  // namespace arts::backends

#endif  // ARTS_BACKENDS_GRPC_GRPC_SCORER_H_
