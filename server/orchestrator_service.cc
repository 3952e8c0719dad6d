#include "server/orchestrator_service.h"

#include <prometheus/counter.h>

#include <chrono>
#include <utility>

#include "absl/time/clock.h"
#include "backends/grpc/search_proto.h"
#include "server/grpc_status.h"

namespace arts::server {
namespace {

constexpr char kStarting[] = "the orchestrator is still starting";

prometheus::Histogram::BucketBoundaries Powers(double first, double factor,
                                               int count) {
  prometheus::Histogram::BucketBoundaries buckets;
  for (double b = first; count-- > 0; b *= factor) buckets.push_back(b);
  return buckets;
}

// Tracks a solve in the in-flight gauge for its lifetime.
class InFlight {
 public:
  explicit InFlight(prometheus::Gauge* gauge) : gauge_(gauge) {
    gauge_->Increment();
  }
  ~InFlight() { gauge_->Decrement(); }
  InFlight(const InFlight&) = delete;
  InFlight& operator=(const InFlight&) = delete;

 private:
  prometheus::Gauge* gauge_;
};

}  // namespace

OrchestratorService::OrchestratorService(RpcMetrics& metrics,
                                         int max_concurrent_requests,
                                         std::unique_ptr<BearerAuth> auth)
    : metrics_(metrics),
      admission_(max_concurrent_requests, "Solve"),
      auth_(std::move(auth)) {
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
  solves_in_flight_ = &prometheus::BuildGauge()
                           .Name("arts_orchestrator_solves_in_flight")
                           .Help("Searches running now")
                           .Register(metrics.registry())
                           .Add({});
}

void OrchestratorService::SetBackends(
    std::unique_ptr<SearchBackends> backends) {
  backends_ = std::move(backends);
  ready_.store(true);
}

grpc::Status OrchestratorService::Solve(grpc::ServerContext* context,
                                        const arts::v1::SolveRequest* request,
                                        arts::v1::SolveResponse* response) {
  RpcMetrics::Call call(metrics_, "Solve");
  grpc::Status status = DoSolve(context, *request, nullptr, response);
  call.Finish(status);
  return status;
}

grpc::Status OrchestratorService::SolveStream(
    grpc::ServerContext* context, const arts::v1::SolveRequest* request,
    grpc::ServerWriter<arts::v1::SolveEvent>* writer) {
  RpcMetrics::Call call(metrics_, "SolveStream");
  auto send = [writer](const search::SearchEvent& event) {
    arts::v1::SolveEvent out;
    if (event.kind == search::SearchEvent::Kind::kBestSoFar) {
      *out.mutable_best_so_far() = backends::ToProto(event.best);
    } else {
      *out.mutable_expansion()->mutable_cost() = backends::ToProto(event.cost);
      out.mutable_expansion()->set_frontier(event.frontier);
    }
    // A failed write means the client went away; the search notices through
    // its cancellation check.
    writer->Write(out);
  };
  arts::v1::SolveEvent final_event;
  grpc::Status status =
      DoSolve(context, *request, send, final_event.mutable_final_response());
  if (status.ok()) writer->Write(final_event);
  call.Finish(status);
  return status;
}

grpc::Status OrchestratorService::DoSolve(grpc::ServerContext* context,
                                          const arts::v1::SolveRequest& request,
                                          const search::EventSink& events,
                                          arts::v1::SolveResponse* response) {
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
  const AdmissionLimit::Ticket ticket = admission_.Admit();
  if (!ticket.admitted()) return admission_.Refusal(*context);
  absl::StatusOr<search::SearchOptions> options =
      backends::OptionsFromProto(request);
  if (!options.ok()) return ToGrpcStatus(options.status());
  // The client's deadline bounds the search and every backend call in it;
  // gRPC backends are children of this call, so a cancel reaches the call
  // in flight, and the search itself stops before its next call.
  options->deadline = absl::FromChrono(context->deadline());
  options->cancelled = [context] { return context->IsCancelled(); };
  const InFlight in_flight(solves_in_flight_);
  CallBackends call_backends = backends_->ForCall(*context);
  absl::StatusOr<search::SearchResult> result =
      search::RunSearch(*call_backends.policy, call_backends.scorer,
                        request.problem(), *options, events);
  if (!result.ok()) {
    if (absl::IsDeadlineExceeded(result.status()) ||
        absl::IsCancelled(result.status())) {
      if (context->IsCancelled() ||
          context->deadline() <= std::chrono::system_clock::now()) {
        return EndedCallStatus(*context);
      }
    }
    return ToGrpcStatus(result.status());
  }
  solve_seconds_.at(options->strategy)->Observe(result->cost.wall_seconds);
  tokens_per_solve_->Observe(
      static_cast<double>(result->cost.tokens_generated));
  generator_calls_per_solve_->Observe(
      static_cast<double>(result->cost.generator_calls));
  verifier_calls_per_solve_->Observe(
      static_cast<double>(result->cost.verifier_calls));
  *response = backends::ToProto(*result, options->strategy);
  return grpc::Status::OK;
}

}  // namespace arts::server
