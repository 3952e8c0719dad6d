#ifndef ARTS_SERVER_SEARCH_BACKENDS_H_
#define ARTS_SERVER_SEARCH_BACKENDS_H_

#include <grpcpp/grpcpp.h>

#include <memory>
#include <string>

#include "absl/time/time.h"
#include "core/backend/policy.h"
#include "core/backend/scorer.h"

namespace arts::server {

// The policy and scorer one Solve uses. Either may be owned by the call
// (gRPC clients made for it) or shared (models in this process).
struct CallBackends {
  backend::Policy* policy = nullptr;
  backend::Scorer* scorer = nullptr;  // null: no verifier
  std::unique_ptr<backend::Policy> owned_policy;
  std::unique_ptr<backend::Scorer> owned_scorer;
};

// Where the orchestrator's searches get proposals and scores. Thread-safe.
class SearchBackends {
 public:
  virtual ~SearchBackends() = default;
  // The backends for the server call `call`, which outlives them.
  virtual CallBackends ForCall(const grpc::ServerContextBase& call) = 0;
};

// The same policy and scorer for every call: models loaded in this process
// (they poll the search's cancellation themselves).
class SharedBackends : public SearchBackends {
 public:
  SharedBackends(std::unique_ptr<backend::Policy> policy,
                 std::unique_ptr<backend::Scorer> scorer)
      : policy_(std::move(policy)), scorer_(std::move(scorer)) {}
  CallBackends ForCall(const grpc::ServerContextBase& call) override;

 private:
  std::unique_ptr<backend::Policy> policy_;
  std::unique_ptr<backend::Scorer> scorer_;
};

// The Generator and Verifier services, over channels to them
// (backends::BackendChannel: round robin over replicas, retries). Each Solve
// gets its own clients over the shared channels, made children of the Solve's
// server call: when the caller cancels, or the deadline passes, gRPC cancels
// the backend calls in flight at once.
class RemoteBackends : public SearchBackends {
 public:
  RemoteBackends(std::shared_ptr<grpc::Channel> generator,
                 std::shared_ptr<grpc::Channel> verifier,
                 absl::Duration timeout);
  CallBackends ForCall(const grpc::ServerContextBase& call) override;

 private:
  std::shared_ptr<grpc::Channel> generator_;
  std::shared_ptr<grpc::Channel> verifier_;
  absl::Duration timeout_;
};

}  // namespace arts::server

#endif  // ARTS_SERVER_SEARCH_BACKENDS_H_
