#ifndef ARTS_CLIENT_GRPC_SCORER_H_
#define ARTS_CLIENT_GRPC_SCORER_H_

#include <memory>
#include <vector>

#include "absl/time/time.h"
#include "client/verifier_client.h"
#include "core/search/scorer.h"

namespace arts::client {

// search::Scorer over a running Verifier service. Each call's deadline is
// the sooner of `timeout` from now and the caller's deadline.
class GrpcScorer : public search::Scorer {
 public:
  GrpcScorer(std::shared_ptr<grpc::Channel> channel, absl::Duration timeout)
      : client_(std::move(channel)), timeout_(timeout) {}

  absl::StatusOr<std::vector<std::vector<double>>> Score(
      const std::vector<verifier::TraceRef>& traces,
      absl::Time deadline) override;

 private:
  VerifierClient client_;
  absl::Duration timeout_;
};

}  // namespace arts::client

#endif  // ARTS_CLIENT_GRPC_SCORER_H_
