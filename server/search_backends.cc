#include "server/search_backends.h"

#include <utility>

#include "backends/grpc/grpc_policy.h"
#include "backends/grpc/grpc_scorer.h"

namespace arts::server {

CallBackends SharedBackends::ForCall(const grpc::ServerContextBase&) {
  CallBackends backends;
  backends.policy = policy_.get();
  backends.scorer = scorer_.get();
  return backends;
}

RemoteBackends::RemoteBackends(std::shared_ptr<grpc::Channel> generator,
                               std::shared_ptr<grpc::Channel> verifier,
                               absl::Duration timeout)
    : generator_(std::move(generator)),
      verifier_(std::move(verifier)),
      timeout_(timeout) {}

CallBackends RemoteBackends::ForCall(const grpc::ServerContextBase& call) {
  CallBackends out;
  out.owned_policy =
      std::make_unique<backends::GrpcPolicy>(generator_, timeout_, &call);
  out.owned_scorer =
      std::make_unique<backends::GrpcScorer>(verifier_, timeout_, &call);
  out.policy = out.owned_policy.get();
  out.scorer = out.owned_scorer.get();
  return out;
}

}  // namespace arts::server
