#include "server/models/propose_reactor.h"

#include <utility>

#include "backends/grpc/generator_proto.h"
#include "backends/grpc/solve_metadata.h"
#include "server/grpc_status.h"

namespace arts::server {

ProposeReactor::ProposeReactor(GeneratorService& service,
                               grpc::CallbackServerContext* context)
    : service_(service),
      context_(context),
      call_(service.metrics_, "Propose"),
      start_(std::chrono::steady_clock::now()) {}

void ProposeReactor::Start(const arts::v1::ProposeRequest& request) {
  if (!service_.ready_.load()) {
    FinishCall(absl::UnavailableError("the generator model is still loading"));
    return;
  }
  if (service_.policy_ != nullptr) {
    StartOnPolicy(request);
    return;
  }
  serving::GenerationScheduler::Callbacks callbacks;
  callbacks.on_candidate = [this](backend::Candidate c) {
    OnCandidate(std::move(c));
  };
  callbacks.cancelled = [this] { return cancelled_.load(); };
  callbacks.deadline = absl::FromChrono(context_->deadline());
  callbacks.solve = backends::SolveTimesFrom(context_->client_metadata());
  callbacks.on_done = [this](absl::Status s, const model::ProposeStats& st) {
    OnJobDone(std::move(s), st);
  };
  absl::Status submitted =
      service_.scheduler_->Submit(backends::FromProto(request), callbacks);
  if (!submitted.ok()) FinishCall(submitted);
}

void ProposeReactor::StartOnPolicy(const arts::v1::ProposeRequest& request) {
  backend::CallContext call;
  call.deadline = absl::FromChrono(context_->deadline());
  call.cancelled = [this] { return cancelled_.load(); };
  call.solve = backends::SolveTimesFrom(context_->client_metadata());
  service_.policy_->StartPropose(
      backends::FromProto(request), call,
      [this](backend::Candidate c) {
        policy_tokens_ += c.num_tokens;
        OnCandidate(std::move(c));
      },
      [this](absl::Status status) {
        // Nothing queues here: the whole call is the server's compute.
        model::ProposeStats stats;
        stats.tokens_generated = policy_tokens_.load();
        stats.compute_seconds = std::chrono::duration<double>(
                                    std::chrono::steady_clock::now() - start_)
                                    .count();
        OnJobDone(std::move(status), stats);
      });
}

void ProposeReactor::OnCandidate(backend::Candidate candidate) {
  (candidate.valid ? service_.candidates_valid_ : service_.candidates_invalid_)
      ->Increment();
  if (first_candidate_.exchange(false)) {
    service_.first_candidate_->Observe(
        std::chrono::duration<double>(std::chrono::steady_clock::now() - start_)
            .count());
  }
  if (const arts::v1::Candidate* write =
          writes_.Push(backends::ToProto(candidate))) {
    StartWrite(write);
  }
}

void ProposeReactor::OnWriteDone(bool ok) {
  // A client gone: its rows leave at the next step.
  if (!ok) cancelled_.store(true);
  const auto after = writes_.WriteDone(ok);
  if (after.next != nullptr) {
    StartWrite(after.next);
  } else if (after.finish.has_value()) {
    FinishCall(*after.finish);
  }
}

void ProposeReactor::OnJobDone(absl::Status status,
                               const model::ProposeStats& stats) {
  service_.tokens_generated_->Increment(
      static_cast<double>(stats.tokens_generated));
  service_.tokens_forced_->Increment(static_cast<double>(stats.tokens_forced));
  // Before the call can finish, which sends the trailing metadata.
  backends::AddBackendTimeMetadata(absl::Seconds(stats.queue_seconds),
                                   absl::Seconds(stats.compute_seconds),
                                   *context_);
  const std::optional<absl::Status> finish = writes_.Done(
      std::move(status), absl::CancelledError("the client went away"));
  if (finish.has_value()) FinishCall(*finish);
}

void ProposeReactor::FinishCall(const absl::Status& status) {
  const grpc::Status result = FinalCallStatus(status, *context_);
  call_.Finish(result);
  Finish(result);
}

}  // namespace arts::server
