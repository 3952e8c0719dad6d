#ifndef ARTS_SERVER_ORCHESTRATOR_SERVICE_H_
#define ARTS_SERVER_ORCHESTRATOR_SERVICE_H_

#include <prometheus/family.h>
#include <prometheus/gauge.h>
#include <prometheus/histogram.h>

#include <atomic>
#include <map>
#include <memory>
#include <string>

#include "arts/v1/orchestrator.grpc.pb.h"
#include "core/search/search.h"
#include "server/bearer_auth.h"
#include "server/rpc_metrics.h"
#include "server/search_backends.h"
#include "server/service_support.h"

namespace arts::server {

// Adapts core's search::RunSearch to arts.v1.Orchestrator.
class OrchestratorService final : public arts::v1::Orchestrator::Service {
 public:
  // `auth` null: every caller may solve. Otherwise each Solve must carry
  // one of its bearer tokens (health and reflection stay open).
  OrchestratorService(RpcMetrics& metrics, int max_concurrent_requests,
                      std::unique_ptr<BearerAuth> auth = nullptr);

  // Until backends are set, calls get UNAVAILABLE.
  void SetBackends(std::unique_ptr<SearchBackends> backends);

  grpc::Status Solve(grpc::ServerContext* context,
                     const arts::v1::SolveRequest* request,
                     arts::v1::SolveResponse* response) override;
  grpc::Status SolveStream(
      grpc::ServerContext* context, const arts::v1::SolveRequest* request,
      grpc::ServerWriter<arts::v1::SolveEvent>* writer) override;

 private:
  // Runs one search for a call; `events` may be empty.
  grpc::Status DoSolve(grpc::ServerContext* context,
                       const arts::v1::SolveRequest& request,
                       const search::EventSink& events,
                       arts::v1::SolveResponse* response);

  RpcMetrics& metrics_;
  AdmissionLimit admission_;
  const std::unique_ptr<BearerAuth> auth_;
  std::unique_ptr<SearchBackends> backends_;  // set once
  std::atomic<bool> ready_{false};
  // Registered per strategy up front, so a solve only looks its own up.
  std::map<search::Strategy, prometheus::Histogram*> solve_seconds_;
  prometheus::Histogram* tokens_per_solve_;
  prometheus::Histogram* generator_calls_per_solve_;
  prometheus::Histogram* verifier_calls_per_solve_;
  prometheus::Gauge* solves_in_flight_;
};

}  // namespace arts::server

#endif  // ARTS_SERVER_ORCHESTRATOR_SERVICE_H_
