#ifndef ARTS_SERVER_VERIFIER_SERVICE_H_
#define ARTS_SERVER_VERIFIER_SERVICE_H_

#include <atomic>
#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "arts/v1/verifier.grpc.pb.h"
#include "core/verifier/flow_verifier.h"
#include "server/rpc_metrics.h"
#include "server/service_support.h"

namespace arts::server {

// Adapts core's verifier::FlowVerifier to arts.v1.Verifier.
class VerifierService final : public arts::v1::Verifier::Service {
 public:
  VerifierService(RpcMetrics& metrics, int max_concurrent_requests);

  // Until a model is set, calls get UNAVAILABLE.
  void SetModel(std::unique_ptr<verifier::FlowVerifier> verifier,
                const std::string& path);
  // The loaded model's parameter count (0 before SetModel).
  int64_t num_parameters() const { return num_parameters_; }

  grpc::Status Score(grpc::ServerContext* context,
                     const arts::v1::ScoreRequest* request,
                     arts::v1::ScoreResponse* response) override;
  grpc::Status GetModelInfo(grpc::ServerContext* context,
                            const arts::v1::GetModelInfoRequest* request,
                            arts::v1::ModelInfo* response) override;

 private:
  grpc::Status DoScore(grpc::ServerContext* context,
                       const arts::v1::ScoreRequest& request,
                       arts::v1::ScoreResponse* response);

  RpcMetrics& metrics_;
  AdmissionLimit admission_;
  std::shared_ptr<const verifier::FlowVerifier> verifier_;  // set once
  std::atomic<bool> ready_{false};
  std::string model_path_;
  int64_t num_parameters_ = 0;
  prometheus::Counter* traces_scored_;
  prometheus::Histogram* batch_size_;
};

}  // namespace arts::server

#endif  // ARTS_SERVER_VERIFIER_SERVICE_H_
