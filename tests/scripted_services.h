// A Generator and a Verifier service for the toy `text` task, written as a
// third party would write theirs: against the arts.v1 protos, over their own
// policy (tests/scripted_policy.h), with no code of our servers. Both run
// in this process on one loopback port.
#ifndef ARTS_TESTS_SCRIPTED_SERVICES_H_
#define ARTS_TESTS_SCRIPTED_SERVICES_H_

#include <grpcpp/grpcpp.h>

#include <atomic>
#include <memory>
#include <mutex>
#include <string>

#include "absl/status/status.h"
#include "absl/time/time.h"
#include "arts/v1/generator.grpc.pb.h"
#include "arts/v1/verifier.grpc.pb.h"
#include "tests/scripted_policy.h"

namespace arts::testing_support {

// What a third party's services of the `text` task would share: a status
// on the wire, and the model info they report (task "text").
grpc::Status ToGrpc(const absl::Status& status);
void FillScriptedInfo(const std::string& kind, const std::string& path,
                      arts::v1::ModelInfo* info);

class ScriptedGeneratorService final : public arts::v1::Generator::Service {
 public:
  // What a faulty third-party generator does wrong (docs/search.md,
  // "Faulty backends").
  enum class Fault {
    kNone,
    kRepeatCandidate,  // sends its first candidate twice, its last never
    kHugeStep,         // every step is 1 MiB of text
    kNeverEnds,        // the stream stays open after its last candidate
  };

  explicit ScriptedGeneratorService(absl::Duration delay) : policy_(delay) {}
  void set_fault(Fault fault) { fault_.store(fault); }

  grpc::Status Propose(
      grpc::ServerContext* context, const arts::v1::ProposeRequest* request,
      grpc::ServerWriter<arts::v1::Candidate>* writer) override;
  grpc::Status GetModelInfo(grpc::ServerContext*,
                            const arts::v1::GetModelInfoRequest*,
                            arts::v1::ModelInfo* info) override;

  int calls_started() const { return started_.load(); }
  // When the last Propose returned, and with what code.
  absl::Time last_end() const;
  grpc::StatusCode last_code() const;

 private:
  ScriptedPolicy policy_;
  std::atomic<Fault> fault_{Fault::kNone};
  std::atomic<int> started_{0};
  mutable std::mutex mu_;
  absl::Time last_end_ = absl::InfinitePast();
  grpc::StatusCode last_code_ = grpc::StatusCode::OK;
};

class ScriptedVerifierService final : public arts::v1::Verifier::Service {
 public:
  grpc::Status Score(grpc::ServerContext* context,
                     const arts::v1::ScoreRequest* request,
                     arts::v1::ScoreResponse* response) override;
  grpc::Status GetModelInfo(grpc::ServerContext*,
                            const arts::v1::GetModelInfoRequest*,
                            arts::v1::ModelInfo* info) override;
  int calls() const { return scorer_.calls(); }

 private:
  ScriptedScorer scorer_;
};

// Both services on 127.0.0.1, a free port, until destroyed.
class ScriptedServers {
 public:
  explicit ScriptedServers(absl::Duration delay = absl::ZeroDuration());
  ~ScriptedServers();
  std::string address() const { return address_; }
  ScriptedGeneratorService& generator() { return generator_; }
  ScriptedVerifierService& verifier() { return verifier_; }

 private:
  ScriptedGeneratorService generator_;
  ScriptedVerifierService verifier_;
  std::unique_ptr<grpc::Server> server_;
  std::string address_;
};

}  // namespace arts::testing_support

#endif  // ARTS_TESTS_SCRIPTED_SERVICES_H_
