#ifndef ARTS_BACKENDS_GRPC_GRPC_POLICY_H_
#define ARTS_BACKENDS_GRPC_GRPC_POLICY_H_

#include <memory>
#include <utility>

#include "absl/container/flat_hash_set.h"
#include "absl/time/time.h"
#include "backends/grpc/generator_client.h"
#include "core/backend/policy.h"

namespace arts::backends {

// backend::Policy over a running Generator service. Each call's deadline is
// the sooner of `timeout` from now and the caller's deadline. Made with a
// `parent` (the server call it works for), every call it makes is a child
// of that call: when the parent is cancelled, gRPC cancels the child.
// A Propose stream that breaks with UNAVAILABLE once started (its replica
// went away) is resumed on the channel, up to kMaxResumes times, and the
// candidates already delivered are not delivered again. A candidate one
// stream sends twice is passed on twice, so that the search names the
// generator's mistake ("came twice") instead of counting one missing.
class GrpcPolicy : public backend::Policy {
 public:
  GrpcPolicy(std::shared_ptr<grpc::Channel> channel, absl::Duration timeout,
             const grpc::ServerContextBase* parent = nullptr)
      : client_(std::move(channel)), timeout_(timeout), parent_(parent) {}

  absl::Status Propose(
      const backend::ProposeRequest& request, const backend::CallContext& call,
      const std::function<void(backend::Candidate)>& on_candidate) override;
  // On gRPC's callback API: no thread waits for the generator. Resumes a
  // broken stream as Propose does.
  void StartPropose(const backend::ProposeRequest& request,
                    const backend::CallContext& call,
                    std::function<void(backend::Candidate)> on_candidate,
                    std::function<void(absl::Status)> on_done) override;

  static constexpr int kMaxResumes = 2;

 private:
  class ProposeStream;
  // The candidates of one call's attempts, by (prefix, index).
  class Delivered {
   public:
    // Whether to pass `candidate` on: not when an earlier attempt did.
    bool Pass(const arts::v1::Candidate& candidate);
    void NewAttempt();

   private:
    absl::flat_hash_set<std::pair<int, int>> earlier_, this_attempt_;
  };

  GeneratorClient client_;
  absl::Duration timeout_;
  const grpc::ServerContextBase* parent_;
};

}  // namespace arts::backends

#endif  // ARTS_BACKENDS_GRPC_GRPC_POLICY_H_
