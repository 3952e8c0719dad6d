#include "server/models/propose_reactor.h"

#include <utility>

#include "backends/grpc/generator_proto.h"
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
  serving::GenerationScheduler::Callbacks callbacks;
  callbacks.on_candidate = [this](backend::Candidate c) {
    OnCandidate(std::move(c));
  };
  callbacks.cancelled = [this] { return cancelled_.load(); };
  callbacks.deadline = absl::FromChrono(context_->deadline());
  callbacks.on_done = [this](absl::Status s, const model::ProposeStats& st) {
    OnJobDone(std::move(s), st);
  };
  absl::Status submitted =
      service_.scheduler_->Submit(backends::FromProto(request), callbacks);
  if (!submitted.ok()) FinishCall(submitted);
}

void ProposeReactor::OnCandidate(backend::Candidate candidate) {
  (candidate.valid ? service_.candidates_valid_ : service_.candidates_invalid_)
      ->Increment();
  const arts::v1::Candidate* to_write = nullptr;
  {
    std::lock_guard<std::mutex> lock(mu_);
    if (client_gone_) return;
    if (first_candidate_) {
      first_candidate_ = false;
      service_.first_candidate_->Observe(
          std::chrono::duration<double>(std::chrono::steady_clock::now() -
                                        start_)
              .count());
    }
    pending_.push_back(backends::ToProto(candidate));
    if (!writing_) {
      writing_ = true;
      to_write = &pending_.front();
    }
  }
  if (to_write != nullptr) StartWrite(to_write);
}

void ProposeReactor::OnWriteDone(bool ok) {
  const arts::v1::Candidate* next = nullptr;
  bool finish = false;
  absl::Status status;
  {
    std::lock_guard<std::mutex> lock(mu_);
    pending_.pop_front();
    if (!ok) {  // the client is gone: its rows leave at the next step
      client_gone_ = true;
      cancelled_.store(true);
      pending_.clear();
    }
    if (!pending_.empty()) {
      next = &pending_.front();
    } else {
      writing_ = false;
      finish = job_done_;
      status = final_status_;
    }
  }
  if (next != nullptr) {
    StartWrite(next);
  } else if (finish) {
    FinishCall(status);
  }
}

void ProposeReactor::OnJobDone(absl::Status status,
                               const model::ProposeStats& stats) {
  service_.tokens_generated_->Increment(
      static_cast<double>(stats.tokens_generated));
  service_.tokens_forced_->Increment(static_cast<double>(stats.tokens_forced));
  bool finish = false;
  {
    std::lock_guard<std::mutex> lock(mu_);
    if (client_gone_ && status.ok()) {
      status = absl::CancelledError("the client went away");
    }
    job_done_ = true;
    final_status_ = status;
    finish = !writing_;
  }
  if (finish) FinishCall(status);
}

void ProposeReactor::FinishCall(const absl::Status& status) {
  const grpc::Status result = FinalCallStatus(status, *context_);
  call_.Finish(result);
  Finish(result);
}

}  // namespace arts::server
