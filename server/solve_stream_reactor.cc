#include "server/solve_stream_reactor.h"

#include <optional>
#include <utility>

#include "backends/grpc/search_proto.h"

namespace arts::server {

SolveStreamReactor::SolveStreamReactor(OrchestratorService& service,
                                       grpc::CallbackServerContext* context)
    : service_(service),
      context_(context),
      call_(service.metrics_, "SolveStream") {}

void SolveStreamReactor::Start(const arts::v1::SolveRequest& request) {
  grpc::Status refused = service_.StartSolve(
      context_, request,
      [this](const search::SearchEvent& event) { OnEvent(event); },
      [this](grpc::Status status, arts::v1::SolveResponse response) {
        OnSearchDone(std::move(status), std::move(response));
      });
  if (!refused.ok()) {
    service_.AnswerRefusal(context_, refused,
                           [this, refused] { FinishCall(refused); });
  }
}

void SolveStreamReactor::OnEvent(const search::SearchEvent& event) {
  arts::v1::SolveEvent out;
  if (event.kind == search::SearchEvent::Kind::kBestSoFar) {
    *out.mutable_best_so_far() = backends::ToProto(event.best);
  } else if (event.kind == search::SearchEvent::Kind::kTree) {
    for (const search::TreeUpdate& update : event.tree) {
      arts::v1::TreeEvent* tree = out.mutable_tree()->add_events();
      tree->set_change(backends::ToProto(update.change));
      *tree->mutable_node() = backends::ToProto(update.node);
    }
  } else {
    *out.mutable_expansion()->mutable_cost() = backends::ToProto(event.cost);
    out.mutable_expansion()->set_frontier(event.frontier);
  }
  Enqueue(std::move(out),
          /*coalesce=*/event.kind == search::SearchEvent::Kind::kExpansion);
}

void SolveStreamReactor::Enqueue(arts::v1::SolveEvent event, bool coalesce) {
  // The front is being written; only a waiting expansion is replaced.
  const arts::v1::SolveEvent* write =
      coalesce ? writes_.Push(std::move(event),
                              [](const arts::v1::SolveEvent& queued) {
                                return queued.has_expansion();
                              })
               : writes_.Push(std::move(event));
  if (write != nullptr) StartWrite(write);
}

void SolveStreamReactor::OnWriteDone(bool ok) {
  // A client gone: the search notices through its cancellation check.
  const auto after = writes_.WriteDone(ok);
  if (after.next != nullptr) {
    StartWrite(after.next);
  } else if (after.finish.has_value()) {
    FinishCall(*after.finish);
  }
}

void SolveStreamReactor::OnSearchDone(grpc::Status status,
                                      arts::v1::SolveResponse response) {
  if (status.ok()) {
    arts::v1::SolveEvent final_event;
    *final_event.mutable_final_response() = std::move(response);
    Enqueue(std::move(final_event), /*coalesce=*/false);
  }
  const std::optional<grpc::Status> finish = writes_.Done(std::move(status));
  if (finish.has_value()) FinishCall(*finish);
}

void SolveStreamReactor::FinishCall(const grpc::Status& status) {
  call_.Finish(status);
  Finish(status);
}

}  // namespace arts::server
