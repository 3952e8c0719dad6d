#ifndef ARTS_SERVER_MODELS_VERIFIER_SERVICE_H_
#define ARTS_SERVER_MODELS_VERIFIER_SERVICE_H_

#include <atomic>
#include <cstdint>
#include <memory>
#include <string>

#include "arts/v1/verifier.grpc.pb.h"
#include "core/backend/scorer.h"
#include "core/serving/scoring_scheduler.h"
#include "core/verifier/flow_verifier.h"
#include "server/models/queue_metrics.h"
#include "server/rpc_metrics.h"

namespace arts::server {

class ScoreReactor;

// Adapts core's verifier::FlowVerifier to arts.v1.Verifier, on gRPC's
// callback API: a queued call holds no thread. Every Score is a task of one
// serving::ScoringScheduler, which batches the traces of concurrent calls
// and reuses scored prefixes. Or, with SetExactVerifier, the exact verifier
// (backends::ExactScorer) with no model at all.
class VerifierService final : public arts::v1::Verifier::CallbackService {
 public:
  using Options = serving::ScoringOptions;

  VerifierService(RpcMetrics& metrics, Options options);
  ~VerifierService() override;

  // Until a model is set, calls get UNAVAILABLE.
  void SetModel(std::unique_ptr<verifier::FlowVerifier> verifier,
                const std::string& path);
  // Serves the exact verifier (arts-verifier --model=exact) instead of a
  // model: with nothing to batch, each Score is answered on the thread gRPC
  // calls it on, and the batching and prefix-cache metrics stay at zero.
  void SetExactVerifier();
  // The loaded model's parameter count (0 before SetModel).
  int64_t num_parameters() const { return num_parameters_; }

  grpc::ServerUnaryReactor* Score(grpc::CallbackServerContext* context,
                                  const arts::v1::ScoreRequest* request,
                                  arts::v1::ScoreResponse* response) override;
  grpc::ServerUnaryReactor* GetModelInfo(
      grpc::CallbackServerContext* context,
      const arts::v1::GetModelInfoRequest* request,
      arts::v1::ModelInfo* response) override;

 private:
  friend class ScoreReactor;

  serving::ScoringHooks MetricHooks();

  RpcMetrics& metrics_;
  const Options options_;
  std::unique_ptr<const verifier::FlowVerifier> verifier_;  // set once
  std::unique_ptr<backend::Scorer> exact_;  // set once, instead of a model
  std::unique_ptr<serving::ScoringScheduler> scheduler_;
  std::atomic<bool> ready_{false};
  std::string model_path_;
  int64_t num_parameters_ = 0;
  prometheus::Counter* traces_scored_;
  prometheus::Histogram* batch_size_;
  prometheus::Histogram* calls_per_batch_;
  prometheus::Counter* positions_computed_;
  prometheus::Counter* positions_reused_;
  prometheus::Counter* cache_hits_;
  prometheus::Counter* cache_misses_;
  // Whether the model consults the prefix cache (set with the model, read
  // by the scheduler's thread).
  std::atomic<bool> consults_cache_{false};
  prometheus::Gauge* cache_bytes_;
  QueueMetrics queue_;
};

}  // namespace arts::server

#endif  // ARTS_SERVER_MODELS_VERIFIER_SERVICE_H_
