#include "server/models/score_reactor.h"

#include <chrono>
#include <utility>

#include "backends/grpc/solve_metadata.h"
#include "backends/grpc/verifier_proto.h"
#include "core/backend/call_context.h"
#include "core/countdown/problem.h"
#include "server/grpc_status.h"

namespace arts::server {

ScoreReactor::ScoreReactor(VerifierService& service,
                           grpc::CallbackServerContext* context,
                           const arts::v1::ScoreRequest* request,
                           arts::v1::ScoreResponse* response)
    : service_(service),
      context_(context),
      request_(request),
      response_(response),
      call_(service.metrics_, "Score") {}

void ScoreReactor::Start() {
  if (!service_.ready_.load()) {
    FinishCall(absl::UnavailableError("the verifier model is still loading"));
    return;
  }
  const backend::ScoreRequest request = backends::FromProto(*request_);
  // The exact verifier is Countdown's; a model says which task it reads.
  const std::string& task = service_.verifier_ != nullptr
                                ? service_.verifier_->task()
                                : std::string(countdown::kTaskName);
  if (request.task != task) {
    FinishCall(absl::InvalidArgumentError("task: this verifier serves " + task +
                                          ", got '" + request.task + "'"));
    return;
  }
  if (service_.exact_ != nullptr) {
    // No model, nothing to batch: the exact verifier answers at once.
    backend::CallContext call;
    call.deadline = absl::FromChrono(context_->deadline());
    call.cancelled = [this] { return cancelled_.load(); };
    OnScored(service_.exact_->Score(request, call));
    return;
  }
  serving::ScoringScheduler::Callbacks callbacks;
  callbacks.cancelled = [this] { return cancelled_.load(); };
  callbacks.deadline = absl::FromChrono(context_->deadline());
  callbacks.solve = backends::SolveTimesFrom(context_->client_metadata());
  callbacks.on_time = [this](const backend::BackendTime& time) {
    backends::AddBackendTimeMetadata(time.queued, time.computed, *context_);
  };
  callbacks.on_done =
      [this](absl::StatusOr<std::vector<std::vector<double>>> scores) {
        OnScored(std::move(scores));
      };
  absl::Status submitted =
      service_.scheduler_->Submit(request.traces, std::move(callbacks));
  if (!submitted.ok()) FinishCall(submitted);
}

void ScoreReactor::OnScored(
    absl::StatusOr<std::vector<std::vector<double>>> scores) {
  if (!scores.ok()) {
    FinishCall(scores.status());
    return;
  }
  // A call that ended while its batch ran gets no scores.
  if (cancelled_.load() ||
      context_->deadline() <= std::chrono::system_clock::now()) {
    FinishCall(absl::CancelledError("the call ended"));
    return;
  }
  service_.traces_scored_->Increment(static_cast<double>(scores->size()));
  for (const std::vector<double>& log_flows : *scores) {
    *response_->add_scores() =
        backends::ToProto(log_flows, request_->per_step());
  }
  FinishCall(absl::OkStatus());
}

void ScoreReactor::FinishCall(const absl::Status& status) {
  const grpc::Status result = FinalCallStatus(status, *context_);
  call_.Finish(result);
  Finish(result);
}

}  // namespace arts::server
