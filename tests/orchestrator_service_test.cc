// Integration tests of arts.v1.Orchestrator across three services on
// loopback: the Generator service with the bundled generator, the Verifier
// service with a tiny random verifier, and the Orchestrator service calling
// both through GrpcProposer and GrpcScorer.

#include "server/orchestrator_service.h"

#include <functional>
#include <memory>
#include <string>
#include <thread>
#include <vector>

#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"
#include "absl/time/time.h"
#include "backends/grpc/channel.h"
#include "backends/grpc/grpc_policy.h"
#include "backends/grpc/grpc_scorer.h"
#include "backends/grpc/search_proto.h"
#include "backends/local/local_policy.h"
#include "backends/local/local_scorer.h"
#include "client/orchestrator_client.h"
#include "core/countdown/checker.h"
#include "core/countdown/problem.h"
#include "core/model/generator.h"
#include "core/verifier/flow_verifier.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "server/generator_service.h"
#include "server/verifier_service.h"
#include "tests/grpc_support.h"
#include "tests/in_process_server.h"
#include "tests/scripted_policy.h"
#include "tests/test_support.h"
#include "tests/tiny_models.h"

namespace arts::server {
namespace {

using ::arts::testing_support::Eventually;
using ::arts::testing_support::Health;
using ::arts::testing_support::InProcessServer;
using ::arts::testing_support::MetricValue;
using ::arts::testing_support::Scrape;
using ::arts::v1::SolveRequest;
using ::arts::v1::SolveResponse;
using ::grpc::health::v1::HealthCheckResponse;
using ::testing::HasSubstr;
using ::testing::StartsWith;

constexpr char kProblem[] = "4 9 10 13 -> 24";
constexpr char kBundledGenerator[] = ARTS_MODELS_DIR "/generator.ckpt";

struct GeneratorTraits {
  using Service = GeneratorService;
  using Model = model::Generator;
  static constexpr char kName[] = "generator";
};

struct VerifierTraits {
  using Service = VerifierService;
  using Model = verifier::FlowVerifier;
  static constexpr char kName[] = "verifier";
  static void SaveModel(const std::string& path) {
    testing_support::SaveTinyVerifier(path, /*seed=*/5);
  }
};

// An Orchestrator service on loopback over the given backend addresses.
struct Orchestrator {
  std::unique_ptr<RpcMetrics> metrics;
  std::unique_ptr<OrchestratorService> service;
  std::unique_ptr<ServerRunner> runner;
  std::shared_ptr<grpc::Channel> channel;

  ~Orchestrator() {
    if (runner != nullptr) runner->Shutdown(absl::Seconds(2));
  }

  static std::unique_ptr<Orchestrator> Start(const std::string& generator,
                                             const std::string& verifier) {
    auto o = std::make_unique<Orchestrator>();
    o->metrics = std::make_unique<RpcMetrics>("orchestrator");
    EXPECT_TRUE(o->metrics->Serve("127.0.0.1:0").ok());
    o->service = std::make_unique<OrchestratorService>(*o->metrics, 8);
    auto runner = ServerRunner::Start("127.0.0.1:0", {o->service.get()});
    EXPECT_TRUE(runner.ok()) << runner.status();
    if (!runner.ok()) return nullptr;
    o->runner = *std::move(runner);
    o->channel = backends::InsecureChannel(
        absl::StrCat("127.0.0.1:", o->runner->port()));
    o->service->SetBackends(std::make_unique<RemoteBackends>(
        *backends::BackendChannel(generator, {}),
        *backends::BackendChannel(verifier, {}), absl::Seconds(30)));
    o->runner->SetServing(true);
    return o;
  }
};

class OrchestratorServiceTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    verifier_model_ = new testing_support::TinyModelFile<VerifierTraits>();
    generator_ = InProcessServer<GeneratorTraits>::Start(8, true).release();
    ASSERT_NE(generator_, nullptr);
    generator_->LoadModel(kBundledGenerator);
    verifier_ = InProcessServer<VerifierTraits>::Start(8, true).release();
    ASSERT_NE(verifier_, nullptr);
    verifier_->LoadModel(verifier_model_->path());
    orchestrator_ =
        Orchestrator::Start(Address(*generator_), Address(*verifier_))
            .release();
    ASSERT_NE(orchestrator_, nullptr);
  }
  static void TearDownTestSuite() {
    delete orchestrator_;
    delete verifier_;
    delete generator_;
    delete verifier_model_;
  }
  void SetUp() override { ASSERT_NE(orchestrator_, nullptr); }

  template <typename Server>
  static std::string Address(const Server& server) {
    return absl::StrCat("127.0.0.1:", server.runner->port());
  }

  static SolveRequest Request(arts::v1::Strategy strategy) {
    SolveRequest request;
    request.set_problem(kProblem);
    request.set_strategy(strategy);
    request.mutable_params()->set_n(8);
    request.mutable_params()->set_beam_width(2);
    request.set_top_n(3);
    request.set_seed(2);
    request.set_constrained(true);
    return request;
  }

  static absl::StatusOr<SolveResponse> Solve(
      const SolveRequest& request, absl::Duration timeout = absl::Seconds(30),
      const std::shared_ptr<grpc::Channel>& channel = orchestrator_->channel) {
    return client::OrchestratorClient(channel).Solve(request, timeout);
  }

  static inline testing_support::TinyModelFile<VerifierTraits>*
      verifier_model_ = nullptr;
  static inline InProcessServer<GeneratorTraits>* generator_ = nullptr;
  static inline InProcessServer<VerifierTraits>* verifier_ = nullptr;
  static inline Orchestrator* orchestrator_ = nullptr;
};

TEST_F(OrchestratorServiceTest, SolveAcrossThreeServicesForEveryStrategy) {
  const countdown::Problem problem = *countdown::ParseProblem(kProblem);
  for (arts::v1::Strategy strategy :
       {arts::v1::STRATEGY_UNSPECIFIED, arts::v1::BEST_OF_N,
        arts::v1::WEIGHTED_VOTE, arts::v1::MAJORITY_VOTE, arts::v1::BEAM,
        arts::v1::ARTS, arts::v1::DVTS}) {
    SCOPED_TRACE(arts::v1::Strategy_Name(strategy));
    absl::StatusOr<SolveResponse> response = Solve(Request(strategy));
    ASSERT_TRUE(response.ok()) << response.status();
    EXPECT_TRUE(response->verified());
    EXPECT_FALSE(response->stop_reason().empty());
    ASSERT_GE(response->answers_size(), 1);
    EXPECT_LE(response->answers_size(), 3);
    for (const arts::v1::Answer& answer : response->answers()) {
      const countdown::TraceVerdict verdict = countdown::CheckTrace(
          problem, {answer.steps().begin(), answer.steps().end()});
      EXPECT_TRUE(verdict.valid && verdict.terminal);
      EXPECT_EQ(answer.final_value(),
                countdown::JoinNumbers(verdict.state.left));
    }
    EXPECT_GT(response->cost().tokens_generated(), 0);
    EXPECT_GE(response->cost().generator_calls(), 1);
    EXPECT_GT(response->cost().wall_seconds(), 0);
    if (strategy != arts::v1::MAJORITY_VOTE) {
      EXPECT_GE(response->cost().verifier_calls(), 1);
    }
  }
}

// The same search in-process and across the services gives the same answers.
TEST_F(OrchestratorServiceTest, RemoteSearchEqualsLocalSearch) {
  auto generator = model::Generator::Load(kBundledGenerator);
  auto verifier = verifier::FlowVerifier::Load(verifier_model_->path());
  ASSERT_TRUE(generator.ok() && verifier.ok());
  backends::LocalPolicy proposer(**generator);
  backends::LocalScorer scorer(**verifier);
  const SolveRequest request = Request(arts::v1::ARTS);
  absl::StatusOr<search::SearchResult> local = search::RunSearch(
      proposer, &scorer, kProblem, *backends::OptionsFromProto(request));
  absl::StatusOr<SolveResponse> remote = Solve(request);
  ASSERT_TRUE(local.ok() && remote.ok());
  ASSERT_EQ(static_cast<int>(local->answers.size()), remote->answers_size());
  for (int i = 0; i < remote->answers_size(); ++i) {
    EXPECT_EQ(local->answers[i].steps,
              std::vector<std::string>(remote->answers(i).steps().begin(),
                                       remote->answers(i).steps().end()));
    EXPECT_NEAR(local->answers[i].score, remote->answers(i).score(), 1e-5);
  }
  EXPECT_EQ(local->cost.tokens_generated, remote->cost().tokens_generated());
}

TEST_F(OrchestratorServiceTest, SolveStreamSendsProgressThenTheResult) {
  std::vector<arts::v1::SolveEvent> events;
  absl::Status status = client::OrchestratorClient(orchestrator_->channel)
                            .SolveStream(
                                Request(arts::v1::BEAM),
                                [&](const arts::v1::SolveEvent& event) {
                                  events.push_back(event);
                                },
                                absl::Seconds(30));
  ASSERT_TRUE(status.ok()) << status;
  ASSERT_GE(events.size(), 3u);
  EXPECT_TRUE(events.back().has_final_response());
  int expansions = 0, best = 0;
  for (size_t i = 0; i + 1 < events.size(); ++i) {
    expansions += events[i].has_expansion();
    best += events[i].has_best_so_far();
  }
  EXPECT_GE(expansions, 2);
  EXPECT_GE(best, 1);
  EXPECT_GE(events.back().final_response().answers_size(), 1);
}

TEST_F(OrchestratorServiceTest, EveryInvalidFieldIsNamed) {
  struct Case {
    std::function<void(SolveRequest&)> change;
    std::string field;
  };
  const std::vector<Case> cases = {
      {[](SolveRequest& r) { r.set_problem(""); }, "problem:"},
      {[](SolveRequest& r) { r.set_problem("4 9 x -> 24"); }, "problem:"},
      {[](SolveRequest& r) {
         r.set_strategy(static_cast<arts::v1::Strategy>(42));
       },
       "strategy:"},
      {[](SolveRequest& r) {
         r.mutable_params()->set_aggregation(
             static_cast<arts::v1::Aggregation>(9));
       },
       "params.aggregation:"},
      {[](SolveRequest& r) { r.mutable_params()->set_n(0); }, "n:"},
      {[](SolveRequest& r) { r.mutable_params()->set_n(257); }, "n:"},
      {[](SolveRequest& r) { r.mutable_params()->set_beam_width(65); },
       "beam_width:"},
      {[](SolveRequest& r) { r.mutable_params()->set_proposals(0); },
       "proposals:"},
      {[](SolveRequest& r) { r.mutable_params()->set_expand_width(0); },
       "expand_width:"},
      {[](SolveRequest& r) { r.mutable_params()->set_tilt_pool(65); },
       "tilt_pool:"},
      {[](SolveRequest& r) { r.mutable_params()->set_stop_after_answers(0); },
       "stop_after_answers:"},
      {[](SolveRequest& r) { r.set_top_n(65); }, "top_n:"},
      {[](SolveRequest& r) { r.mutable_budget()->set_max_tokens(-5); },
       "max_tokens:"},
      {[](SolveRequest& r) { r.mutable_budget()->set_max_expansions(-1); },
       "max_expansions:"},
      {[](SolveRequest& r) { r.set_temperature(11); }, "temperature:"},
      {[](SolveRequest& r) { r.set_top_p(0); }, "top_p:"},
  };
  for (const Case& c : cases) {
    SolveRequest request = Request(arts::v1::ARTS);
    c.change(request);
    absl::StatusOr<SolveResponse> response = Solve(request);
    EXPECT_EQ(response.status().code(), absl::StatusCode::kInvalidArgument)
        << c.field;
    EXPECT_THAT(std::string(response.status().message()), StartsWith(c.field));
  }
}

TEST_F(OrchestratorServiceTest, TinyDeadlineReachesTheGenerator) {
  const std::string generator_metrics = Scrape(generator_->metrics->port());
  auto ended_proposals = [](const std::string& exposition) {
    return MetricValue(exposition, "arts_rpc_requests_total",
                       {{"method", "Propose"}, {"code", "DEADLINE_EXCEEDED"}}) +
           MetricValue(exposition, "arts_rpc_requests_total",
                       {{"method", "Propose"}, {"code", "CANCELLED"}});
  };
  const double before = ended_proposals(generator_metrics);
  SolveRequest request = Request(arts::v1::BEST_OF_N);
  request.mutable_params()->set_n(256);  // whole traces: far over 50 ms
  request.set_constrained(false);
  absl::StatusOr<SolveResponse> response =
      Solve(request, absl::Milliseconds(50));
  EXPECT_EQ(response.status().code(), absl::StatusCode::kDeadlineExceeded);
  // The generator call carried the deadline and was ended by it.
  EXPECT_TRUE(Eventually(
      [&] {
        return ended_proposals(Scrape(generator_->metrics->port())) > before;
      },
      absl::Seconds(10)));
}

TEST_F(OrchestratorServiceTest, VerifierDownIsUnavailableOrMarkedFallback) {
  // A verifier address where nothing listens any more.
  auto gone = InProcessServer<VerifierTraits>::Start(8, false);
  ASSERT_NE(gone, nullptr);
  const std::string dead_address = Address(*gone);
  gone.reset();
  auto orchestrator = Orchestrator::Start(Address(*generator_), dead_address);
  ASSERT_NE(orchestrator, nullptr);

  absl::StatusOr<SolveResponse> failed =
      Solve(Request(arts::v1::ARTS), absl::Seconds(30), orchestrator->channel);
  EXPECT_EQ(failed.status().code(), absl::StatusCode::kUnavailable);
  EXPECT_THAT(std::string(failed.status().message()), StartsWith("verifier:"));

  SolveRequest request = Request(arts::v1::ARTS);
  request.set_allow_unverified(true);
  absl::StatusOr<SolveResponse> fallback =
      Solve(request, absl::Seconds(30), orchestrator->channel);
  ASSERT_TRUE(fallback.ok()) << fallback.status();
  EXPECT_FALSE(fallback->verified());
  EXPECT_GE(fallback->answers_size(), 1);
}

TEST_F(OrchestratorServiceTest, GeneratorDownIsUnavailableNamingIt) {
  auto gone = InProcessServer<GeneratorTraits>::Start(8, false);
  ASSERT_NE(gone, nullptr);
  const std::string dead_address = Address(*gone);
  gone.reset();
  auto orchestrator = Orchestrator::Start(dead_address, Address(*verifier_));
  ASSERT_NE(orchestrator, nullptr);
  SolveRequest request = Request(arts::v1::ARTS);
  request.set_allow_unverified(true);  // no help when the generator is down
  absl::StatusOr<SolveResponse> failed =
      Solve(request, absl::Seconds(30), orchestrator->channel);
  EXPECT_EQ(failed.status().code(), absl::StatusCode::kUnavailable);
  EXPECT_THAT(std::string(failed.status().message()), StartsWith("generator:"));
}

TEST_F(OrchestratorServiceTest, MetricsCountSolvesByStrategy) {
  absl::StatusOr<arts::v1::SolveResponse> solved =
      Solve(Request(arts::v1::DVTS));
  ASSERT_TRUE(solved.ok()) << solved.status();
  const std::string exposition = Scrape(orchestrator_->metrics->port());
  EXPECT_GE(MetricValue(exposition,
                        "arts_orchestrator_generator_calls_per_solve_sum", {}),
            solved->cost().generator_calls());
  EXPECT_GE(MetricValue(exposition, "arts_orchestrator_solve_seconds_count",
                        {{"strategy", "dvts"}}),
            1);
  EXPECT_GE(
      MetricValue(exposition, "arts_orchestrator_tokens_per_solve_count", {}),
      1);
  EXPECT_GE(MetricValue(exposition,
                        "arts_orchestrator_verifier_calls_per_solve_count", {}),
            1);
  EXPECT_EQ(MetricValue(exposition, "arts_orchestrator_solves_in_flight", {}),
            0);
  EXPECT_GE(MetricValue(exposition, "arts_rpc_requests_total",
                        {{"method", "Solve"}, {"code", "OK"}}),
            1);
}

TEST_F(OrchestratorServiceTest, UnavailableUntilBackendsAreSet) {
  RpcMetrics metrics("orchestrator");
  OrchestratorService service(metrics, 8);
  auto runner = ServerRunner::Start("127.0.0.1:0", {&service});
  ASSERT_TRUE(runner.ok());
  auto channel =
      backends::InsecureChannel(absl::StrCat("127.0.0.1:", (*runner)->port()));
  EXPECT_EQ(Health(channel, absl::Seconds(10)),
            HealthCheckResponse::NOT_SERVING);
  EXPECT_EQ(Solve(Request(arts::v1::ARTS), absl::Seconds(10), channel)
                .status()
                .code(),
            absl::StatusCode::kUnavailable);
  (*runner)->Shutdown(absl::Seconds(1));
}

TEST(OrchestratorAdmissionTest, RefusalBeyondTheLimitCarriesRetryPushback) {
  // One Solve may run; it proposes slowly (scripted, 200 ms a candidate), so
  // a second one sent meanwhile is refused at once, with pushback.
  RpcMetrics metrics("orchestrator");
  ASSERT_TRUE(metrics.Serve("127.0.0.1:0").ok());
  OrchestratorService service(metrics, /*max_concurrent_requests=*/1);
  service.SetBackends(std::make_unique<SharedBackends>(
      std::make_unique<testing_support::ScriptedPolicy>(
          absl::Milliseconds(200)),
      std::make_unique<testing_support::ScriptedScorer>()));
  auto runner = ServerRunner::Start("127.0.0.1:0", {&service});
  ASSERT_TRUE(runner.ok()) << runner.status();
  auto stub = arts::v1::Orchestrator::NewStub(
      backends::InsecureChannel(absl::StrCat("127.0.0.1:", (*runner)->port())));
  const SolveRequest request = backends::ToProto(
      "spell abc", testing_support::ToyOptions(search::Strategy::kBestOfN));

  std::thread slow([&] {
    grpc::ClientContext context;
    SolveResponse response;
    EXPECT_TRUE(stub->Solve(&context, request, &response).ok());
  });
  ASSERT_TRUE(Eventually(
      [&] {
        return MetricValue(Scrape(metrics.port()), "arts_rpc_in_flight",
                           {{"method", "Solve"}}) >= 1;
      },
      absl::Seconds(10)));
  grpc::ClientContext context;
  SolveResponse response;
  grpc::Status refused = stub->Solve(&context, request, &response);
  slow.join();
  EXPECT_EQ(refused.error_code(), grpc::StatusCode::RESOURCE_EXHAUSTED);
  EXPECT_THAT(refused.error_message(), HasSubstr("more than 1 Solve"));
  auto trailers = context.GetServerTrailingMetadata();
  auto pushback = trailers.find("grpc-retry-pushback-ms");
  ASSERT_NE(pushback, trailers.end());
  int64_t pushback_ms = 0;
  ASSERT_TRUE(absl::SimpleAtoi(
      absl::string_view(pushback->second.data(), pushback->second.size()),
      &pushback_ms));
  EXPECT_GE(pushback_ms, 10);
  EXPECT_LE(pushback_ms, 5000);
  (*runner)->Shutdown(absl::Seconds(2));
}

TEST(SearchProtoTest, OptionsRoundTripThroughTheRequest) {
  search::SearchOptions options;
  options.strategy = search::Strategy::kDvts;
  options.n = 32;
  options.beam_width = 3;
  options.proposals = 8;
  options.expand_width = 5;
  options.flow_tilted = true;
  options.tilt_pool = 20;
  options.aggregation = search::Aggregation::kMin;
  options.top_n = 7;
  options.stop_after_answers = 2;
  options.max_tokens = 999;
  options.max_expansions = 12;
  options.seed = 77;
  options.temperature = 0.5;
  options.top_p = 0.9;
  options.constrained = true;
  options.allow_unverified = true;
  absl::StatusOr<search::SearchOptions> back =
      backends::OptionsFromProto(backends::ToProto(kProblem, options));
  ASSERT_TRUE(back.ok()) << back.status();
  EXPECT_EQ(back->strategy, options.strategy);
  EXPECT_EQ(back->n, 32);
  EXPECT_EQ(back->beam_width, 3);
  EXPECT_EQ(back->proposals, 8);
  EXPECT_EQ(back->expand_width, 5);
  EXPECT_TRUE(back->flow_tilted);
  EXPECT_EQ(back->tilt_pool, 20);
  EXPECT_EQ(back->aggregation, search::Aggregation::kMin);
  EXPECT_EQ(back->top_n, 7);
  EXPECT_EQ(back->stop_after_answers, 2);
  EXPECT_EQ(back->max_tokens, 999);
  EXPECT_EQ(back->max_expansions, 12);
  EXPECT_EQ(back->seed, 77u);
  EXPECT_EQ(back->temperature, 0.5);
  EXPECT_EQ(back->top_p, 0.9);
  EXPECT_TRUE(back->constrained);
  EXPECT_TRUE(back->allow_unverified);
  // Unset fields take the documented defaults.
  absl::StatusOr<search::SearchOptions> defaults =
      backends::OptionsFromProto(SolveRequest());
  ASSERT_TRUE(defaults.ok());
  EXPECT_EQ(defaults->strategy, search::Strategy::kArts);
  EXPECT_EQ(defaults->n, search::SearchOptions().n);
  EXPECT_EQ(defaults->top_n, 1);
  EXPECT_EQ(defaults->temperature, 1.0);
}

}  // namespace
}  // namespace arts::server
