#ifndef ARTS_CLIENT_GRPC_PROPOSER_H_
#define ARTS_CLIENT_GRPC_PROPOSER_H_

#include <memory>

#include "absl/time/time.h"
#include "client/generator_client.h"
#include "core/search/proposer.h"

namespace arts::client {

// search::Proposer over a running Generator service. Each call's deadline is
// the sooner of `timeout` from now and the caller's deadline.
class GrpcProposer : public search::Proposer {
 public:
  GrpcProposer(std::shared_ptr<grpc::Channel> channel, absl::Duration timeout)
      : client_(std::move(channel)), timeout_(timeout) {}

  absl::Status Propose(
      const model::ProposeRequest& request, absl::Time deadline,
      const std::function<void(model::Candidate)>& on_candidate) override;

 private:
  GeneratorClient client_;
  absl::Duration timeout_;
};

// Core request to proto request and proto candidate to core candidate: the
// inverse of the server's conversions.
arts::v1::ProposeRequest ToProto(const model::ProposeRequest& request);
model::Candidate FromProto(const arts::v1::Candidate& candidate);

}  // namespace arts::client

#endif  // ARTS_CLIENT_GRPC_PROPOSER_H_
