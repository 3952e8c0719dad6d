#ifndef ARTS_BACKENDS_GRPC_GENERATOR_CLIENT_H_
#define ARTS_BACKENDS_GRPC_GENERATOR_CLIENT_H_

#include <grpcpp/grpcpp.h>

#include <functional>
#include <memory>
#include <string>

#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "arts/v1/generator.grpc.pb.h"
#include "backends/grpc/channel.h"

namespace arts::backends {

// A thin, typed client for arts.v1.Generator.
class GeneratorClient {
 public:
  explicit GeneratorClient(std::shared_ptr<grpc::Channel> channel);

  // Streams candidates to `on_candidate` as the server finishes them.
  absl::Status Propose(
      const arts::v1::ProposeRequest& request,
      const std::function<void(const arts::v1::Candidate&)>& on_candidate,
      const CallSettings& settings);
  // The same within `timeout` of now.
  absl::Status Propose(
      const arts::v1::ProposeRequest& request,
      const std::function<void(const arts::v1::Candidate&)>& on_candidate,
      absl::Duration timeout, bool wait_for_ready = false);

  // Binds a Propose stream on gRPC's callback API to `reactor`, which then
  // asks for its first read and starts the call (StartRead, StartCall); it
  // gets the candidates and the end (see GrpcPolicy::StartPropose).
  void StartPropose(grpc::ClientContext* context,
                    const arts::v1::ProposeRequest* request,
                    grpc::ClientReadReactor<arts::v1::Candidate>* reactor);

  absl::StatusOr<arts::v1::ModelInfo> GetModelInfo(absl::Duration timeout);

 private:
  std::unique_ptr<arts::v1::Generator::Stub> stub_;
};

}  // namespace arts::backends

#endif  // ARTS_BACKENDS_GRPC_GENERATOR_CLIENT_H_
