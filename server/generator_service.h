#ifndef ARTS_SERVER_GENERATOR_SERVICE_H_
#define ARTS_SERVER_GENERATOR_SERVICE_H_

#include <atomic>
#include <memory>
#include <string>

#include "arts/v1/generator.grpc.pb.h"
#include "core/model/generator.h"
#include "server/rpc_metrics.h"
#include "server/service_support.h"

namespace arts::server {

// Adapts core's model::Generator to arts.v1.Generator.
class GeneratorService final : public arts::v1::Generator::Service {
 public:
  GeneratorService(RpcMetrics& metrics, int max_concurrent_requests);

  // Until a model is set, calls get UNAVAILABLE.
  void SetModel(std::unique_ptr<model::Generator> generator,
                const std::string& path);

  grpc::Status Propose(
      grpc::ServerContext* context, const arts::v1::ProposeRequest* request,
      grpc::ServerWriter<arts::v1::Candidate>* writer) override;
  grpc::Status GetModelInfo(grpc::ServerContext* context,
                            const arts::v1::GetModelInfoRequest* request,
                            arts::v1::ModelInfo* response) override;

 private:
  grpc::Status DoPropose(grpc::ServerContext* context,
                         const arts::v1::ProposeRequest& request,
                         grpc::ServerWriter<arts::v1::Candidate>* writer);

  RpcMetrics& metrics_;
  AdmissionLimit admission_;
  std::shared_ptr<const model::Generator> generator_;  // set once, then read
  std::atomic<bool> ready_{false};
  std::string model_path_;
  prometheus::Counter* tokens_generated_;
  prometheus::Counter* tokens_forced_;
  prometheus::Counter* candidates_valid_;
  prometheus::Counter* candidates_invalid_;
};

}  // namespace arts::server

#endif  // ARTS_SERVER_GENERATOR_SERVICE_H_
