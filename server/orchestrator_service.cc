#include "server/orchestrator_service.h"

#include <prometheus/counter.h>

#include <algorithm>
#include <chrono>
#include <optional>
#include <utility>

#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"
#include "backends/grpc/search_proto.h"
#include "core/backend/overload.h"
#include "server/grpc_status.h"
#include "server/solve_stream_reactor.h"

namespace arts::server {
namespace {

constexpr char kStarting[] = "the orchestrator is still starting";

prometheus::Histogram::BucketBoundaries Powers(double first, double factor,
                                               int count) {
  prometheus::Histogram::BucketBoundaries buckets;
  for (double b = first; count-- > 0; b *= factor) buckets.push_back(b);
  return buckets;
}

search::SearchPoolOptions PoolOptions(const OrchestratorOptions& options) {
  search::SearchPoolOptions pool;
  pool.threads = options.search_threads;
  pool.max_running = options.max_running;
  pool.queue = {options.max_waiting, options.max_wait};
  return pool;
}

}  // namespace

OrchestratorService::OrchestratorService(RpcMetrics& metrics,
                                         OrchestratorOptions options,
                                         std::unique_ptr<BearerAuth> auth)
    : metrics_(metrics),
      options_(options),
      auth_(std::move(auth)),
      refusal_hold_(RefusalHold::Options{options.refusal_hold}),
      pool_(PoolOptions(options)) {
  auto& solve_seconds = prometheus::BuildHistogram()
                            .Name("arts_orchestrator_solve_seconds")
                            .Help("Wall time of a search, by strategy")
                            .Register(metrics.registry());
  for (search::Strategy strategy : search::kAllStrategies) {
    solve_seconds_[strategy] = &solve_seconds.Add(
        {{"strategy", search::StrategyName(strategy)}}, Powers(0.001, 2, 18));
  }
  const auto per_solve = [&](const std::string& name, const std::string& help,
                             double first, int count) {
    return &prometheus::BuildHistogram()
                .Name("arts_orchestrator_" + name + "_per_solve")
                .Help(help)
                .Register(metrics.registry())
                .Add({}, Powers(first, 2, count));
  };
  tokens_per_solve_ =
      per_solve("tokens", "Tokens the generator sampled for a search", 16, 14);
  // One call per round of a search: these show how many rounds a search
  // takes, and so how many round trips its latency is made of.
  generator_calls_per_solve_ =
      per_solve("generator_calls", "Generator calls made by a search", 1, 12);
  verifier_calls_per_solve_ =
      per_solve("verifier_calls", "Verifier calls made by a search", 1, 12);
  const auto gauge = [&](const std::string& name, const std::string& help) {
    return &prometheus::BuildGauge()
                .Name("arts_orchestrator_" + name)
                .Help(help)
                .Register(metrics.registry())
                .Add({});
  };
  solves_in_flight_ = gauge("solves_in_flight", "Searches running now");
  solves_waiting_ =
      gauge("solves_waiting", "Searches waiting for a running slot");
  refusals_held_ = gauge("refusals_held",
                         "Solves refused for want of room, held before their "
                         "answer (--refusal_hold)");
  gauge("search_threads", "Threads that run every search")
      ->Set(std::max(1, options.search_threads));
}

OrchestratorService::~OrchestratorService() = default;

void OrchestratorService::SetBackends(
    std::unique_ptr<SearchBackends> backends) {
  backends_ = std::move(backends);
  ready_.store(true);
}

grpc::ServerUnaryReactor* OrchestratorService::Solve(
    grpc::CallbackServerContext* context, const arts::v1::SolveRequest* request,
    arts::v1::SolveResponse* response) {
  grpc::ServerUnaryReactor* reactor = context->DefaultReactor();
  auto call = std::make_shared<RpcMetrics::Call>(metrics_, "Solve");
  grpc::Status refused =
      StartSolve(context, *request, nullptr,
                 [reactor, response, call](grpc::Status status,
                                           arts::v1::SolveResponse out) {
                   if (status.ok()) *response = std::move(out);
                   call->Finish(status);
                   reactor->Finish(status);
                 });
  if (!refused.ok()) {
    AnswerRefusal(context, refused, [reactor, call, refused] {
      call->Finish(refused);
      reactor->Finish(refused);
    });
  }
  return reactor;
}

grpc::ServerWriteReactor<arts::v1::SolveEvent>*
OrchestratorService::SolveStream(grpc::CallbackServerContext* context,
                                 const arts::v1::SolveRequest* request) {
  auto* reactor = new SolveStreamReactor(*this, context);
  reactor->Start(*request);
  return reactor;
}

grpc::Status OrchestratorService::StartSolve(
    grpc::CallbackServerContext* context, const arts::v1::SolveRequest& request,
    search::EventSink events, SolveDone done) {
  // Who is calling comes first: a caller without a valid token learns
  // nothing of the server's state.
  if (auth_ != nullptr) {
    if (grpc::Status status = auth_->Check(*context); !status.ok()) {
      return status;
    }
  }
  if (!ready_.load()) {
    return grpc::Status(grpc::StatusCode::UNAVAILABLE, kStarting);
  }
  // A full server refuses before it parses anything or builds a search, so
  // that clients that never back off cost it little.
  if (absl::Status room = pool_.CheckRoom(); !room.ok()) {
    return RefusedStatus(room, context);
  }
  absl::StatusOr<search::SearchOptions> options =
      backends::OptionsFromProto(request);
  if (!options.ok()) return ToGrpcStatus(options.status());
  // The client's deadline bounds the search and every backend call in it;
  // gRPC backends are children of this call, so a cancel reaches the call
  // in flight, and the search itself stops before its next round.
  options->deadline = absl::FromChrono(context->deadline());
  options->arrival = absl::Now();
  *options =
      search::WithCeilings(*std::move(options), options_.max_tokens_per_solve,
                           options_.max_expansions_per_solve);
  options->cancelled = [context] { return context->IsCancelled(); };
  // The backends live as long as the search: `done` owns them.
  auto backends = std::make_shared<CallBackends>(backends_->ForCall(*context));
  absl::StatusOr<std::unique_ptr<search::SearchRun>> run =
      search::SearchRun::Create(request.problem(), *options,
                                backends->scorer != nullptr, std::move(events));
  if (!run.ok()) return ToGrpcStatus(run.status());
  const search::Strategy strategy = options->strategy;
  search::SearchPool::Search search;
  search.run = *std::move(run);
  search.policy = backends->policy;
  search.scorer = backends->scorer;
  search.done = [this, context, strategy, backends, done = std::move(done)](
                    absl::StatusOr<search::SearchResult> result) {
    arts::v1::SolveResponse response;
    grpc::Status status = Conclude(context, strategy, result, &response);
    UpdateGauges();
    done(std::move(status), std::move(response));
  };
  absl::Status submitted = pool_.Submit(std::move(search));
  UpdateGauges();
  if (!submitted.ok()) return RefusedStatus(submitted, context);
  return grpc::Status::OK;
}

grpc::Status OrchestratorService::RefusedStatus(
    absl::Status refused, grpc::CallbackServerContext* context) const {
  if (std::optional<absl::Duration> retry = backend::RetryAfter(refused)) {
    refused = backend::OverloadedError(
        absl::StrCat("Solve: ", pool_.running(), " searches running and ",
                     refused.message()),
        *retry);
  }
  return ToGrpcStatus(refused, context);
}

void OrchestratorService::AnswerRefusal(grpc::CallbackServerContext* context,
                                        const grpc::Status& refused,
                                        std::function<void()> answer) {
  if (refused.error_code() != grpc::StatusCode::RESOURCE_EXHAUSTED) {
    answer();
    return;
  }
  refusals_held_->Increment();
  refusal_hold_.Answer(absl::FromChrono(context->deadline()),
                       [this, answer = std::move(answer)] {
                         refusals_held_->Decrement();
                         answer();
                       });
}

grpc::Status OrchestratorService::Conclude(
    grpc::CallbackServerContext* context, search::Strategy strategy,
    const absl::StatusOr<search::SearchResult>& result,
    arts::v1::SolveResponse* response) {
  if (!result.ok()) {
    if (absl::IsDeadlineExceeded(result.status()) ||
        absl::IsCancelled(result.status())) {
      if (context->IsCancelled() ||
          context->deadline() <= std::chrono::system_clock::now()) {
        return EndedCallStatus(*context);
      }
    }
    // A refusal while waiting (waited too long) carries its retry pushback.
    return ToGrpcStatus(result.status(), context);
  }
  solve_seconds_.at(strategy)->Observe(result->cost.wall_seconds);
  tokens_per_solve_->Observe(
      static_cast<double>(result->cost.tokens_generated));
  generator_calls_per_solve_->Observe(
      static_cast<double>(result->cost.generator_calls));
  verifier_calls_per_solve_->Observe(
      static_cast<double>(result->cost.verifier_calls));
  *response = backends::ToProto(*result, strategy);
  return grpc::Status::OK;
}

void OrchestratorService::UpdateGauges() {
  solves_in_flight_->Set(pool_.running());
  solves_waiting_->Set(pool_.waiting());
}

}  // namespace arts::server
