#ifndef ARTS_SERVER_MODELS_GENERATOR_SERVICE_H_
#define ARTS_SERVER_MODELS_GENERATOR_SERVICE_H_

#include <atomic>
#include <map>
#include <memory>
#include <string>

#include "arts/v1/generator.grpc.pb.h"
#include "core/backend/policy.h"
#include "core/model/generator.h"
#include "core/serving/generation_scheduler.h"
#include "server/models/generation_metrics.h"
#include "server/rpc_metrics.h"

namespace arts::server {

class ProposeReactor;

// Adapts core's model::Generator to arts.v1.Generator, on gRPC's callback
// API: a call waiting in the queue or for its candidates holds no thread.
// Every Propose is a task of one serving::GenerationScheduler, which owns
// the model and batches the rows of all calls (continuous batching). Or,
// with SetPolicy, it forwards every Propose to a backend::Policy that waits
// without a thread (an OpenAI-compatible server, backends/openai/).
class GeneratorService final : public arts::v1::Generator::CallbackService {
 public:
  using Options = serving::GenerationOptions;

  GeneratorService(RpcMetrics& metrics, Options options);
  ~GeneratorService() override;

  // Until a model is set, calls get UNAVAILABLE.
  void SetModel(std::unique_ptr<model::Generator> generator,
                const std::string& path);
  // Instead of a model: `policy` answers every Propose; `where` and
  // `metadata` describe it in GetModelInfo.
  void SetPolicy(std::unique_ptr<backend::Policy> policy,
                 const std::string& where,
                 std::map<std::string, std::string> metadata);

  grpc::ServerWriteReactor<arts::v1::Candidate>* Propose(
      grpc::CallbackServerContext* context,
      const arts::v1::ProposeRequest* request) override;
  grpc::ServerUnaryReactor* GetModelInfo(
      grpc::CallbackServerContext* context,
      const arts::v1::GetModelInfoRequest* request,
      arts::v1::ModelInfo* response) override;

 private:
  friend class ProposeReactor;

  RpcMetrics& metrics_;
  const Options options_;
  std::unique_ptr<const model::Generator> generator_;  // set once, then read
  std::unique_ptr<serving::GenerationScheduler> scheduler_;
  std::unique_ptr<backend::Policy> policy_;  // set once, instead of a model
  std::map<std::string, std::string> policy_metadata_;
  std::atomic<bool> ready_{false};
  std::string model_path_;
  prometheus::Counter* tokens_generated_;
  prometheus::Counter* tokens_forced_;
  prometheus::Counter* candidates_valid_;
  prometheus::Counter* candidates_invalid_;
  prometheus::Histogram* first_candidate_;
  GenerationMetrics step_metrics_;
};

}  // namespace arts::server

#endif  // ARTS_SERVER_MODELS_GENERATOR_SERVICE_H_
