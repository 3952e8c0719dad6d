#ifndef ARTS_CLIENT_GENERATOR_CLIENT_H_
#define ARTS_CLIENT_GENERATOR_CLIENT_H_

#include <grpcpp/grpcpp.h>

#include <functional>
#include <memory>
#include <string>

#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "arts/v1/generator.grpc.pb.h"
#include "client/channel.h"

namespace arts::client {

// A thin, typed client for arts.v1.Generator.
class GeneratorClient {
 public:
  explicit GeneratorClient(std::shared_ptr<grpc::Channel> channel);

  // Streams candidates to `on_candidate` as the server finishes them.
  // `wait_for_ready` waits for the server to come up within the deadline
  // instead of failing at once with UNAVAILABLE.
  absl::Status Propose(
      const arts::v1::ProposeRequest& request,
      const std::function<void(const arts::v1::Candidate&)>& on_candidate,
      absl::Duration timeout, bool wait_for_ready = false);

  absl::StatusOr<arts::v1::ModelInfo> GetModelInfo(absl::Duration timeout);

 private:
  std::unique_ptr<arts::v1::Generator::Stub> stub_;
};

}  // namespace arts::client

#endif  // ARTS_CLIENT_GENERATOR_CLIENT_H_
