#include "backends/grpc/grpc_policy.h"

#include <algorithm>
#include <memory>
#include <optional>
#include <utility>

#include "backends/grpc/generator_proto.h"
#include "backends/grpc/solve_metadata.h"

namespace arts::backends {

bool GrpcPolicy::Delivered::Pass(const arts::v1::Candidate& candidate) {
  const std::pair<int, int> key = {candidate.prefix_index(), candidate.index()};
  // Sent by an earlier attempt: a resumed stream's repeat, skipped. Sent
  // twice by one stream: the generator broke the contract, and the search
  // must see it to name it (search::BackendGateway).
  if (earlier_.contains(key) && !this_attempt_.contains(key)) return false;
  this_attempt_.insert(key);
  return true;
}

void GrpcPolicy::Delivered::NewAttempt() {
  earlier_.insert(this_attempt_.begin(), this_attempt_.end());
  this_attempt_.clear();
}

absl::Status GrpcPolicy::Propose(
    const backend::ProposeRequest& request, const backend::CallContext& call,
    const std::function<void(backend::Candidate)>& on_candidate) {
  // Candidates already passed on, by (prefix, index): a resumed stream skips
  // them. With a seed the generator sends the same candidates again; without
  // one, the resumed stream's are fresh samples, as good as the lost ones.
  Delivered delivered;
  const arts::v1::ProposeRequest proto = ToProto(request);
  absl::Status status;
  for (int attempt = 0; attempt <= kMaxResumes; ++attempt) {
    if (absl::Status may = call.MayGoOn(); !may.ok()) return may;
    delivered.NewAttempt();
    status = client_.Propose(
        proto,
        [&](const arts::v1::Candidate& candidate) {
          if (delivered.Pass(candidate)) on_candidate(FromProto(candidate));
        },
        BackendCallSettings(timeout_, parent_, call));
    // UNAVAILABLE after the stream started (gRPC's retry policy in
    // BackendChannel covers a call that never started): its replica went
    // away, so the call goes again, round robin to another one.
    if (!absl::IsUnavailable(status)) break;
  }
  return status;
}

// One attempt of a StartPropose: a stream on its own context (a gRPC
// reactor serves one call only). Who owns what: StartPropose creates the
// first attempt with the call's state; gRPC calls OnReadDone per candidate
// and OnDone once; OnDone hands the state to the next attempt (a stream
// broken with UNAVAILABLE) or calls on_done, and deletes this attempt.
class GrpcPolicy::ProposeStream
    : public grpc::ClientReadReactor<arts::v1::Candidate> {
 public:
  // What every attempt of one StartPropose shares.
  struct State {
    GrpcPolicy& policy;
    const arts::v1::ProposeRequest proto;
    const backend::CallContext call;
    std::function<void(backend::Candidate)> on_candidate;
    std::function<void(absl::Status)> on_done;
    // Candidates already passed on: a resumed stream skips them.
    Delivered delivered;
    int attempts = 0;
  };

  // Starts an attempt, or ends the call when it may not go on.
  static void Start(std::unique_ptr<State> state) {
    if (absl::Status may = state->call.MayGoOn(); !may.ok()) {
      return state->on_done(std::move(may));
    }
    ++state->attempts;
    state->delivered.NewAttempt();
    auto* stream = new ProposeStream(std::move(state));
    stream->state_->policy.client_.StartPropose(stream->context_.get(),
                                                &stream->state_->proto, stream);
    stream->StartRead(&stream->candidate_);
    stream->StartCall();
  }

  void OnReadDone(bool ok) override {
    if (!ok) return;  // the stream ended; OnDone says how
    if (state_->delivered.Pass(candidate_)) {
      state_->on_candidate(FromProto(candidate_));
    }
    StartRead(&candidate_);
  }

  void OnDone(const grpc::Status& status) override {
    absl::Status result = FromGrpcStatus(status);
    if (std::optional<backend::BackendTime> time = BackendTimeFrom(
            backend::BackendTime::Backend::kGenerator, *context_)) {
      state_->call.ReportTime(*time);
    }
    std::unique_ptr<State> state = std::move(state_);
    delete this;
    // As in Propose: a stream broken after it started goes again, round
    // robin to another replica.
    if (absl::IsUnavailable(result) && state->attempts <= kMaxResumes) {
      return Start(std::move(state));
    }
    state->on_done(std::move(result));
  }

 private:
  explicit ProposeStream(std::unique_ptr<State> state)
      : state_(std::move(state)),
        context_(MakeClientContext(BackendCallSettings(
            state_->policy.timeout_, state_->policy.parent_, state_->call))) {}

  std::unique_ptr<State> state_;
  std::unique_ptr<grpc::ClientContext> context_;
  arts::v1::Candidate candidate_;
};

void GrpcPolicy::StartPropose(
    const backend::ProposeRequest& request, const backend::CallContext& call,
    std::function<void(backend::Candidate)> on_candidate,
    std::function<void(absl::Status)> on_done) {
  ProposeStream::Start(std::unique_ptr<ProposeStream::State>(
      new ProposeStream::State{*this, ToProto(request), call,
                               std::move(on_candidate), std::move(on_done),
                               /*delivered=*/{}, /*attempts=*/0}));
}

}  // namespace arts::backends
