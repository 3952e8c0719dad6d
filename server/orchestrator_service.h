#ifndef ARTS_SERVER_ORCHESTRATOR_SERVICE_H_
#define ARTS_SERVER_ORCHESTRATOR_SERVICE_H_

#include <prometheus/family.h>
#include <prometheus/gauge.h>
#include <prometheus/histogram.h>

#include <atomic>
#include <functional>
#include <map>
#include <memory>
#include <string>

#include "arts/v1/orchestrator.grpc.pb.h"
#include "core/search/search_pool.h"
#include "core/search/search_result.h"
#include "server/bearer_auth.h"
#include "server/refusal_hold.h"
#include "server/rpc_metrics.h"
#include "server/search_backends.h"

namespace arts::server {

struct OrchestratorOptions {
  // Searches running at once, and waiting for a slot (and for how long):
  // search::SearchPoolOptions. A running search that waits on its backends
  // holds its memory (docs/BENCHMARKS.md), not a thread.
  int max_running = 4096;
  int max_waiting = 4096;
  absl::Duration max_wait = absl::Seconds(10);
  // Threads that run every search's plan.
  int search_threads = 2;
  // Ceilings on what one Solve may spend, whatever it asks (0: none):
  // search::WithCeilings. They bound a generator that never finishes a
  // trace, or one that reports no tokens.
  int max_tokens_per_solve = 100'000;
  int max_expansions_per_solve = 2'000;
  // How long a Solve refused for want of room is held before its answer
  // (RefusalHold), so that clients that retry at once cannot spin the
  // server on refusals; zero answers at once.
  absl::Duration refusal_hold = absl::Milliseconds(250);
};

// Adapts core's searches to arts.v1.Orchestrator on gRPC's callback API:
// every Solve and SolveStream is a reactor, every search runs on one
// search::SearchPool, and the backend calls are asynchronous (GrpcPolicy,
// GrpcScorer), so a waiting search holds no thread (docs/ARCHITECTURE.md).
class OrchestratorService final
    : public arts::v1::Orchestrator::CallbackService {
 public:
  // `auth` null: every caller may solve. Otherwise each Solve must carry
  // one of its bearer tokens (health and reflection stay open).
  OrchestratorService(RpcMetrics& metrics, OrchestratorOptions options,
                      std::unique_ptr<BearerAuth> auth = nullptr);
  // Waits for the searches still running (the server's shutdown cancels
  // them first).
  ~OrchestratorService() override;

  // The tokens Solve takes; null: none.
  BearerAuth* auth() const { return auth_.get(); }

  // Until backends are set, calls get UNAVAILABLE.
  void SetBackends(std::unique_ptr<SearchBackends> backends);

  grpc::ServerUnaryReactor* Solve(grpc::CallbackServerContext* context,
                                  const arts::v1::SolveRequest* request,
                                  arts::v1::SolveResponse* response) override;
  grpc::ServerWriteReactor<arts::v1::SolveEvent>* SolveStream(
      grpc::CallbackServerContext* context,
      const arts::v1::SolveRequest* request) override;

  // How a search ended, for its call: the status and, when OK, the
  // response.
  using SolveDone = std::function<void(grpc::Status, arts::v1::SolveResponse)>;

 private:
  friend class SolveStreamReactor;

  // Checks the call and hands its search to the pool. Returns the refusal
  // (then `done` is never called), or OK, and then `done` is called once
  // when the search ends. `events` may be empty.
  grpc::Status StartSolve(grpc::CallbackServerContext* context,
                          const arts::v1::SolveRequest& request,
                          search::EventSink events, SolveDone done);
  // A finished search's metrics and its call's status.
  grpc::Status Conclude(grpc::CallbackServerContext* context,
                        search::Strategy strategy,
                        const absl::StatusOr<search::SearchResult>& result,
                        arts::v1::SolveResponse* response);
  // A refused Solve's status, with the retry pushback and how many
  // searches run.
  grpc::Status RefusedStatus(absl::Status refused,
                             grpc::CallbackServerContext* context) const;
  // Calls `answer`, which finishes the call with `refused`: after the
  // refusal hold when the server had no room (RESOURCE_EXHAUSTED), else at
  // once.
  void AnswerRefusal(grpc::CallbackServerContext* context,
                     const grpc::Status& refused, std::function<void()> answer);
  void UpdateGauges();

  RpcMetrics& metrics_;
  const OrchestratorOptions options_;
  const std::unique_ptr<BearerAuth> auth_;
  std::unique_ptr<SearchBackends> backends_;  // set once
  std::atomic<bool> ready_{false};
  // Registered per strategy up front, so a solve only looks its own up.
  std::map<search::Strategy, prometheus::Histogram*> solve_seconds_;
  prometheus::Histogram* tokens_per_solve_;
  prometheus::Histogram* generator_calls_per_solve_;
  prometheus::Histogram* verifier_calls_per_solve_;
  prometheus::Gauge* solves_in_flight_;
  prometheus::Gauge* solves_waiting_;
  prometheus::Gauge* refusals_held_;
  RefusalHold refusal_hold_;
  search::SearchPool pool_;  // last: its searches use everything above
};

}  // namespace arts::server

#endif  // ARTS_SERVER_ORCHESTRATOR_SERVICE_H_
