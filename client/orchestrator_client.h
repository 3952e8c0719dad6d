#ifndef ARTS_CLIENT_ORCHESTRATOR_CLIENT_H_
#define ARTS_CLIENT_ORCHESTRATOR_CLIENT_H_

#include <grpcpp/grpcpp.h>

#include <functional>
#include <memory>
#include <string>

#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "arts/v1/orchestrator.grpc.pb.h"
#include "backends/grpc/channel.h"

namespace arts::client {

// A thin, typed client for arts.v1.Orchestrator. With a `bearer_token`,
// every call carries it ("authorization: Bearer <token>").
class OrchestratorClient {
 public:
  explicit OrchestratorClient(std::shared_ptr<grpc::Channel> channel,
                              std::string bearer_token = "");

  absl::StatusOr<arts::v1::SolveResponse> Solve(
      const arts::v1::SolveRequest& request, absl::Duration timeout,
      bool wait_for_ready = false);

  // Streams the search's events to `on_event`, the final response last.
  absl::Status SolveStream(
      const arts::v1::SolveRequest& request,
      const std::function<void(const arts::v1::SolveEvent&)>& on_event,
      absl::Duration timeout, bool wait_for_ready = false);

 private:
  backends::CallSettings Settings(absl::Duration timeout,
                                  bool wait_for_ready) const;

  std::unique_ptr<arts::v1::Orchestrator::Stub> stub_;
  std::string bearer_token_;
};

}  // namespace arts::client

#endif  // ARTS_CLIENT_ORCHESTRATOR_CLIENT_H_
