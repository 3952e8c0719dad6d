#include "server/solve_stream_reactor.h"

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
  if (!refused.ok()) FinishCall(refused);
}

void SolveStreamReactor::OnEvent(const search::SearchEvent& event) {
  arts::v1::SolveEvent out;
  if (event.kind == search::SearchEvent::Kind::kBestSoFar) {
    *out.mutable_best_so_far() = backends::ToProto(event.best);
  } else {
    *out.mutable_expansion()->mutable_cost() = backends::ToProto(event.cost);
    out.mutable_expansion()->set_frontier(event.frontier);
  }
  Enqueue(std::move(out),
          /*coalesce=*/event.kind == search::SearchEvent::Kind::kExpansion);
}

void SolveStreamReactor::Enqueue(arts::v1::SolveEvent event, bool coalesce) {
  const arts::v1::SolveEvent* to_write = nullptr;
  {
    std::lock_guard<std::mutex> lock(mu_);
    // A client gone: the search notices through its cancellation check.
    if (client_gone_) return;
    // The front is being written; only a waiting expansion is replaced.
    if (coalesce && pending_.size() > 1 && pending_.back().has_expansion()) {
      pending_.back() = std::move(event);
      return;
    }
    pending_.push_back(std::move(event));
    if (!writing_) {
      writing_ = true;
      to_write = &pending_.front();
    }
  }
  if (to_write != nullptr) StartWrite(to_write);
}

void SolveStreamReactor::OnWriteDone(bool ok) {
  const arts::v1::SolveEvent* next = nullptr;
  bool finish = false;
  grpc::Status status;
  {
    std::lock_guard<std::mutex> lock(mu_);
    pending_.pop_front();
    if (!ok) {  // the client is gone
      client_gone_ = true;
      pending_.clear();
    }
    if (!pending_.empty()) {
      next = &pending_.front();
    } else {
      writing_ = false;
      finish = search_done_;
      status = final_status_;
    }
  }
  if (next != nullptr) {
    StartWrite(next);
  } else if (finish) {
    FinishCall(status);
  }
}

void SolveStreamReactor::OnSearchDone(grpc::Status status,
                                      arts::v1::SolveResponse response) {
  if (status.ok()) {
    arts::v1::SolveEvent final_event;
    *final_event.mutable_final_response() = std::move(response);
    Enqueue(std::move(final_event), /*coalesce=*/false);
  }
  bool finish = false;
  {
    std::lock_guard<std::mutex> lock(mu_);
    search_done_ = true;
    final_status_ = status;
    finish = !writing_;
  }
  if (finish) FinishCall(status);
}

void SolveStreamReactor::FinishCall(const grpc::Status& status) {
  call_.Finish(status);
  Finish(status);
}

}  // namespace arts::server
