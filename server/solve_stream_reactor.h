#ifndef ARTS_SERVER_SOLVE_STREAM_REACTOR_H_
#define ARTS_SERVER_SOLVE_STREAM_REACTOR_H_

#include <grpcpp/grpcpp.h>

#include "arts/v1/orchestrator.pb.h"
#include "core/search/search_result.h"
#include "server/orchestrator_service.h"
#include "server/rpc_metrics.h"
#include "server/write_queue.h"

namespace arts::server {

// One SolveStream call on the callback API. Who owns what, in order: gRPC
// creates the call; Start hands the search to the pool (or finishes at
// once with the refusal); the search's events come from a pool thread and
// are queued here; events are written one at a time, and the final
// response and Finish come after the search ends and the queue drains;
// gRPC then calls OnDone, which deletes the reactor.
//
// Flow control: the search never waits for the reader. While a write is
// out, a newer expansion event replaces an older one still queued (a slow
// reader sees the latest progress, not every round) and every better
// answer and every tree event is kept, so a slow reader costs its own call
// the memory of the events it has not read yet, and nothing else.
class SolveStreamReactor final
    : public grpc::ServerWriteReactor<arts::v1::SolveEvent> {
 public:
  SolveStreamReactor(OrchestratorService& service,
                     grpc::CallbackServerContext* context);
  void Start(const arts::v1::SolveRequest& request);

  void OnWriteDone(bool ok) override;
  void OnDone() override { delete this; }

 private:
  void OnEvent(const search::SearchEvent& event);
  void OnSearchDone(grpc::Status status, arts::v1::SolveResponse response);
  // Queues `event` and starts writing it if no write is out.
  void Enqueue(arts::v1::SolveEvent event, bool coalesce);
  void FinishCall(const grpc::Status& status);

  OrchestratorService& service_;
  grpc::CallbackServerContext* context_;
  RpcMetrics::Call call_;

  WriteQueue<arts::v1::SolveEvent, grpc::Status> writes_;
};

}  // namespace arts::server

#endif  // ARTS_SERVER_SOLVE_STREAM_REACTOR_H_
