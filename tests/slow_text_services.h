// A Generator and a Verifier for the toy `text` task (tests/scripted_policy.h)
// that answer every call after a fixed latency, as an LLM or a reward model
// behind gRPC does, and hold no thread while they wait: both are on the
// callback API and wait on a grpc::Alarm. For the orchestrator's load tests
// and benchmarks with slow backends: thousands of calls can be out at once.
#ifndef ARTS_TESTS_SLOW_TEXT_SERVICES_H_
#define ARTS_TESTS_SLOW_TEXT_SERVICES_H_

#include <grpcpp/grpcpp.h>

#include <atomic>
#include <memory>
#include <string>

#include "absl/time/time.h"
#include "arts/v1/generator.grpc.pb.h"
#include "arts/v1/verifier.grpc.pb.h"
#include "tests/scripted_policy.h"

namespace arts::testing_support {

class SlowTextGenerator final : public arts::v1::Generator::CallbackService {
 public:
  explicit SlowTextGenerator(absl::Duration latency) : latency_(latency) {}

  grpc::ServerWriteReactor<arts::v1::Candidate>* Propose(
      grpc::CallbackServerContext* context,
      const arts::v1::ProposeRequest* request) override;
  grpc::ServerUnaryReactor* GetModelInfo(
      grpc::CallbackServerContext* context,
      const arts::v1::GetModelInfoRequest* request,
      arts::v1::ModelInfo* info) override;

  int64_t calls() const { return calls_.load(); }

 private:
  const absl::Duration latency_;
  ScriptedPolicy policy_;
  std::atomic<int64_t> calls_{0};
};

class SlowTextVerifier final : public arts::v1::Verifier::CallbackService {
 public:
  explicit SlowTextVerifier(absl::Duration latency) : latency_(latency) {}

  grpc::ServerUnaryReactor* Score(grpc::CallbackServerContext* context,
                                  const arts::v1::ScoreRequest* request,
                                  arts::v1::ScoreResponse* response) override;
  grpc::ServerUnaryReactor* GetModelInfo(
      grpc::CallbackServerContext* context,
      const arts::v1::GetModelInfoRequest* request,
      arts::v1::ModelInfo* info) override;

  int64_t calls() const { return calls_.load(); }

 private:
  const absl::Duration latency_;
  ScriptedScorer scorer_;
  std::atomic<int64_t> calls_{0};
};

// Both services on `address` ("127.0.0.1:0" picks a free port) until
// destroyed.
class SlowTextServers {
 public:
  SlowTextServers(absl::Duration latency,
                  const std::string& address = "127.0.0.1:0");
  ~SlowTextServers();
  std::string address() const { return address_; }
  SlowTextGenerator& generator() { return generator_; }
  SlowTextVerifier& verifier() { return verifier_; }

 private:
  SlowTextGenerator generator_;
  SlowTextVerifier verifier_;
  std::unique_ptr<grpc::Server> server_;
  std::string address_;
};

}  // namespace arts::testing_support

#endif  // ARTS_TESTS_SLOW_TEXT_SERVICES_H_
