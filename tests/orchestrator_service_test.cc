// Integration tests of arts.v1.Orchestrator across three services on
// loopback: the Generator service with the bundled generator, the Verifier
// service with a tiny random verifier, and the Orchestrator service calling
// both through GrpcProposer and GrpcScorer.

#include "server/orchestrator_service.h"

#include <atomic>
#include <functional>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <utility>
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
#include "core/backend/policy.h"
#include "core/backend/scorer.h"
#include "core/countdown/checker.h"
#include "core/countdown/problem.h"
#include "core/model/generator.h"
#include "core/search/search.h"
#include "core/search/search_options.h"
#include "core/search/search_result.h"
#include "core/verifier/flow_verifier.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "server/models/generator_service.h"
#include "server/models/verifier_service.h"
#include "server/refusal_hold.h"
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
    o->service = std::make_unique<OrchestratorService>(*o->metrics,
                                                       OrchestratorOptions{});
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
    // Where the time went, from both services' trailers.
    EXPECT_GE(response->cost().generator_queue_seconds(), 0);
    EXPECT_GT(response->cost().generator_compute_seconds(), 0);
    if (strategy != arts::v1::MAJORITY_VOTE) {
      EXPECT_GE(response->cost().verifier_calls(), 1);
      EXPECT_GT(response->cost().verifier_compute_seconds(), 0);
    }
  }
}

// The same search in-process and across the services gives the same answers.
TEST_F(OrchestratorServiceTest, RemoteSearchEqualsLocalSearch) {
  auto generator = model::Generator::Load(kBundledGenerator);
  auto verifier = verifier::FlowVerifier::Load(verifier_model_->path());
  ASSERT_TRUE(generator.ok() && verifier.ok());
  backends::LocalPolicy policy(**generator);
  backends::LocalScorer scorer(**verifier);
  const SolveRequest request = Request(arts::v1::ARTS);
  absl::StatusOr<search::SearchResult> local = search::RunSearch(
      policy, &scorer, kProblem, *backends::OptionsFromProto(request));
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
      {[](SolveRequest& r) { r.mutable_params()->set_stop_confidence(2); },
       "stop_confidence:"},
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
  // Scaled under a sanitizer, so that the deadline still passes during the
  // generator's call rather than before the search makes it.
  absl::StatusOr<SolveResponse> response = Solve(
      request, absl::Milliseconds(50) * testing_support::kSanitizerSlowdown);
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
  OrchestratorService service(metrics, OrchestratorOptions{});
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
  // One Solve may run and none may wait; it proposes slowly (scripted,
  // 200 ms a candidate), so a second one sent meanwhile is refused, with
  // pushback, after the refusal hold; and so is a SolveStream.
  RpcMetrics metrics("orchestrator");
  ASSERT_TRUE(metrics.Serve("127.0.0.1:0").ok());
  OrchestratorOptions options;
  options.max_running = 1;
  options.max_waiting = 0;
  options.refusal_hold = absl::Milliseconds(300);
  OrchestratorService service(metrics, options);
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
  const absl::Time sent = absl::Now();
  grpc::Status refused = stub->Solve(&context, request, &response);
  const absl::Duration held = absl::Now() - sent;
  const absl::Time stream_sent = absl::Now();
  absl::Status stream_refused =
      client::OrchestratorClient(backends::InsecureChannel(absl::StrCat(
                                     "127.0.0.1:", (*runner)->port())))
          .SolveStream(
              request, [](const arts::v1::SolveEvent&) {}, absl::Seconds(30));
  const absl::Duration stream_held = absl::Now() - stream_sent;
  slow.join();
  EXPECT_GE(held, absl::Milliseconds(290));
  EXPECT_EQ(stream_refused.code(), absl::StatusCode::kResourceExhausted)
      << stream_refused;
  EXPECT_GE(stream_held, absl::Milliseconds(290));
  EXPECT_EQ(MetricValue(Scrape(metrics.port()),
                        "arts_orchestrator_refusals_held", {}),
            0);
  EXPECT_EQ(refused.error_code(), grpc::StatusCode::RESOURCE_EXHAUSTED);
  EXPECT_THAT(refused.error_message(), HasSubstr("Solve: 1 searches running"));
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

TEST(RefusalHoldTest, AnswersWhenEachHoldEndsInOrder) {
  RefusalHold hold({absl::Milliseconds(100), 100});
  std::mutex mu;
  std::vector<std::pair<int, absl::Time>> answered;
  const auto record = [&](int call) {
    return [&, call] {
      std::lock_guard<std::mutex> lock(mu);
      answered.emplace_back(call, absl::Now());
    };
  };
  const absl::Time start = absl::Now();
  hold.Answer(absl::InfiniteFuture(), record(0));
  absl::SleepFor(absl::Milliseconds(20));
  hold.Answer(absl::InfiniteFuture(), record(1));
  EXPECT_GE(hold.held(), 1);
  ASSERT_TRUE(Eventually([&] { return hold.held() == 0; }, absl::Seconds(10)));
  std::lock_guard<std::mutex> lock(mu);
  ASSERT_EQ(answered.size(), 2u);
  EXPECT_EQ(answered[0].first, 0);
  EXPECT_EQ(answered[1].first, 1);
  EXPECT_GE(answered[0].second - start, absl::Milliseconds(100));
  EXPECT_GE(answered[1].second - start, absl::Milliseconds(120));
}

TEST(RefusalHoldTest, AnswersAtOnceWithoutAHoldOrRoomAndBeforeTheDeadline) {
  // Declared before the holds, which answer what they still hold when
  // destroyed.
  bool now = false, first = false, second = false, late = false;
  std::atomic<bool> answered{false};
  RefusalHold none({absl::ZeroDuration(), 100});
  none.Answer(absl::InfiniteFuture(), [&] { now = true; });
  EXPECT_TRUE(now);

  RefusalHold one({absl::Seconds(60), 1});
  one.Answer(absl::InfiniteFuture(), [&] { first = true; });
  one.Answer(absl::InfiniteFuture(), [&] { second = true; });
  EXPECT_FALSE(first);
  EXPECT_TRUE(second);  // the hold was full
  one.Answer(absl::Now() - absl::Seconds(1), [&] { late = true; });
  EXPECT_TRUE(late);  // its deadline has passed

  // A deadline 200 ms away: held half of that, not the minute.
  RefusalHold long_hold({absl::Seconds(60), 100});
  const absl::Time start = absl::Now();
  long_hold.Answer(start + absl::Milliseconds(200), [&] { answered = true; });
  EXPECT_FALSE(answered.load());
  ASSERT_TRUE(Eventually([&] { return answered.load(); }, absl::Seconds(30)));
  EXPECT_GE(absl::Now() - start, absl::Milliseconds(90));
}

TEST(RefusalHoldTest, DestructionAnswersEveryHeldCall) {
  int answered = 0;
  {
    RefusalHold hold({absl::Seconds(60), 100});
    for (int i = 0; i < 3; ++i) {
      hold.Answer(absl::InfiniteFuture(), [&] { ++answered; });
    }
    EXPECT_EQ(hold.held(), 3);
  }
  EXPECT_EQ(answered, 3);
}

// Two complete Countdown traces of 4 9 10 13 -> 24, as a generator might
// sample them: candidate 0 is right, candidate 1 ends on 10.
class TwoTracesPolicy : public backend::Policy {
 public:
  static std::vector<std::string> Right() {
    return {"13 - 9 = 4 (left: 4 4 10)", "10 - 4 = 6 (left: 4 6)",
            "4 * 6 = 24 (left: 24)"};
  }
  static std::vector<std::string> Wrong() {
    return {"13 - 9 = 4 (left: 4 4 10)", "10 - 4 = 6 (left: 4 6)",
            "4 + 6 = 10 (left: 10)"};
  }

  absl::Status Propose(
      const backend::ProposeRequest& request, const backend::CallContext&,
      const std::function<void(backend::Candidate)>& on_candidate) override {
    for (size_t p = 0; p < backend::PrefixesOf(request).size(); ++p) {
      for (int i = 0; i < request.num_candidates; ++i) {
        backend::Candidate c;
        c.prefix_index = static_cast<int>(p);
        c.index = i;
        c.steps = i % 2 == 0 ? Right() : Wrong();
        c.num_tokens = 24;
        c.logprob = -3;
        c.terminal = true;
        c.final_answer = i % 2 == 0 ? "24" : "10";
        on_candidate(std::move(c));
      }
    }
    return absl::OkStatus();
  }
};

// A verifier that prefers the wrong answer (log F -0.1 against -2).
class PrefersWrongScorer : public backend::Scorer {
 public:
  absl::StatusOr<std::vector<std::vector<double>>> Score(
      const backend::ScoreRequest& request,
      const backend::CallContext&) override {
    std::vector<std::vector<double>> scores;
    for (const backend::TraceRef& trace : request.traces) {
      std::vector<double> flows(trace.steps.size() + 1, -1.0);
      flows.back() = trace.steps == TwoTracesPolicy::Wrong() ? -0.1 : -2.0;
      scores.push_back(std::move(flows));
    }
    return scores;
  }
};

// An Orchestrator service on loopback over a policy and scorer in this
// process.
struct LocalOrchestrator {
  RpcMetrics metrics{"orchestrator"};
  OrchestratorService service{metrics, OrchestratorOptions{}};
  std::unique_ptr<ServerRunner> runner;
  std::shared_ptr<grpc::Channel> channel;

  LocalOrchestrator(std::unique_ptr<backend::Policy> policy,
                    std::unique_ptr<backend::Scorer> scorer) {
    EXPECT_TRUE(metrics.Serve("127.0.0.1:0").ok());
    service.SetBackends(
        std::make_unique<SharedBackends>(std::move(policy), std::move(scorer)));
    auto started = ServerRunner::Start("127.0.0.1:0", {&service});
    EXPECT_TRUE(started.ok()) << started.status();
    if (!started.ok()) return;
    runner = *std::move(started);
    channel =
        backends::InsecureChannel(absl::StrCat("127.0.0.1:", runner->port()));
  }
  ~LocalOrchestrator() {
    if (runner != nullptr) runner->Shutdown(absl::Seconds(2));
  }
};

// A SolveStream whose reader does not read: its search runs to the end
// without waiting for it, other Solves finish meanwhile, and the reader
// later gets the progress and the final response.
TEST(OrchestratorStreamTest,
     SlowReaderGetsLatestProgressAndDelaysNoOtherSearch) {
  LocalOrchestrator orchestrator(
      std::make_unique<testing_support::ScriptedPolicy>(),
      std::make_unique<testing_support::ScriptedScorer>());
  ASSERT_NE(orchestrator.runner, nullptr);
  auto stub = arts::v1::Orchestrator::NewStub(orchestrator.channel);
  search::SearchOptions long_search =
      testing_support::ToyOptions(search::Strategy::kArts);
  long_search.proposals = 8;
  grpc::ClientContext stream_context;
  std::unique_ptr<grpc::ClientReader<arts::v1::SolveEvent>> reader =
      stub->SolveStream(
          &stream_context,
          backends::ToProto("spell abcdabcdabcdabcdabcd", long_search));
  // Others are served while the stream sits unread.
  for (int i = 0; i < 3; ++i) {
    absl::StatusOr<SolveResponse> other =
        client::OrchestratorClient(orchestrator.channel)
            .Solve(backends::ToProto("spell cab", testing_support::ToyOptions(
                                                      search::Strategy::kBeam)),
                   absl::Seconds(10));
    ASSERT_TRUE(other.ok()) << other.status();
  }
  // The unread stream's search ends on its own.
  ASSERT_TRUE(Eventually(
      [&] {
        return MetricValue(Scrape(orchestrator.metrics.port()),
                           "arts_orchestrator_solves_in_flight", {}) == 0;
      },
      absl::Seconds(10)));
  arts::v1::SolveEvent event;
  std::vector<arts::v1::SolveEvent> events;
  while (reader->Read(&event)) events.push_back(event);
  ASSERT_TRUE(reader->Finish().ok());
  ASSERT_GE(events.size(), 2u);
  EXPECT_TRUE(events.front().has_expansion() ||
              events.front().has_best_so_far());
  EXPECT_TRUE(events.back().has_final_response());
  EXPECT_GE(events.back().final_response().answers_size(), 1);
}

TEST(OrchestratorCheckTest, AnswersSayWhetherTheyPassAndKeepTheirOrder) {
  LocalOrchestrator orchestrator(std::make_unique<TwoTracesPolicy>(),
                                 std::make_unique<PrefersWrongScorer>());
  ASSERT_NE(orchestrator.runner, nullptr);
  SolveRequest request;
  request.set_problem(kProblem);
  request.set_strategy(arts::v1::BEST_OF_N);
  request.mutable_params()->set_n(2);
  request.set_top_n(2);
  absl::StatusOr<SolveResponse> response =
      client::OrchestratorClient(orchestrator.channel)
          .Solve(request, absl::Seconds(30));
  ASSERT_TRUE(response.ok()) << response.status();
  ASSERT_EQ(response->answers_size(), 2);
  // The verifier's order, not the check's: the wrong answer stays first.
  EXPECT_EQ(response->answers(0).final_value(), "10");
  EXPECT_EQ(response->answers(0).check(), arts::v1::CHECK_FAILED);
  EXPECT_EQ(response->answers(1).final_value(), "24");
  EXPECT_EQ(response->answers(1).check(), arts::v1::CHECK_PASSED);
  EXPECT_GT(response->answers(0).score(), response->answers(1).score());

  // The stream's answers carry it too: the best so far and the final ones.
  std::vector<arts::v1::SolveEvent> events;
  absl::Status streamed = client::OrchestratorClient(orchestrator.channel)
                              .SolveStream(
                                  request,
                                  [&](const arts::v1::SolveEvent& event) {
                                    events.push_back(event);
                                  },
                                  absl::Seconds(30));
  ASSERT_TRUE(streamed.ok()) << streamed;
  ASSERT_FALSE(events.empty());
  ASSERT_TRUE(events.back().has_final_response());
  const SolveResponse& last = events.back().final_response();
  ASSERT_EQ(last.answers_size(), 2);
  EXPECT_EQ(last.answers(0).check(), arts::v1::CHECK_FAILED);
  EXPECT_EQ(last.answers(1).check(), arts::v1::CHECK_PASSED);
  int best = 0;
  for (const arts::v1::SolveEvent& event : events) {
    if (!event.has_best_so_far()) continue;
    ++best;
    EXPECT_EQ(event.best_so_far().check(),
              event.best_so_far().final_value() == "24"
                  ? arts::v1::CHECK_PASSED
                  : arts::v1::CHECK_FAILED);
  }
  EXPECT_GE(best, 1);
  // And the client reads it back.
  const search::SearchResult read = backends::FromProto(*response);
  EXPECT_EQ(read.answers[0].check, search::Check::kFailed);
  EXPECT_EQ(read.answers[1].check, search::Check::kPassed);
}

TEST(OrchestratorCheckTest, ATaskWithoutACheckerSaysUnknown) {
  LocalOrchestrator orchestrator(
      std::make_unique<testing_support::ScriptedPolicy>(),
      std::make_unique<testing_support::ScriptedScorer>());
  ASSERT_NE(orchestrator.runner, nullptr);
  absl::StatusOr<SolveResponse> response =
      client::OrchestratorClient(orchestrator.channel)
          .Solve(backends::ToProto(
                     "spell cab",
                     testing_support::ToyOptions(search::Strategy::kBestOfN)),
                 absl::Seconds(30));
  ASSERT_TRUE(response.ok()) << response.status();
  ASSERT_GE(response->answers_size(), 1);
  for (const arts::v1::Answer& answer : response->answers()) {
    EXPECT_EQ(answer.check(), arts::v1::CHECK_UNKNOWN);
  }
}

// ARTS with nothing but the problem set runs as tuned (docs/RESULTS.md):
// the same search as with expand_width 2, proposals 2 and 256 tokens.
TEST_F(OrchestratorServiceTest, ArtsWithNothingElseSetRunsTheTunedSettings) {
  SolveRequest bare;
  bare.set_problem(kProblem);
  bare.set_strategy(arts::v1::ARTS);
  SolveRequest tuned = bare;
  tuned.mutable_params()->set_expand_width(2);
  tuned.mutable_params()->set_proposals(2);
  tuned.mutable_budget()->set_max_tokens(256);
  absl::StatusOr<SolveResponse> a = Solve(bare);
  absl::StatusOr<SolveResponse> b = Solve(tuned);
  ASSERT_TRUE(a.ok()) << a.status();
  ASSERT_TRUE(b.ok()) << b.status();
  EXPECT_EQ(a->cost().tokens_generated(), b->cost().tokens_generated());
  EXPECT_EQ(a->cost().expansions(), b->cost().expansions());
  EXPECT_EQ(a->cost().generator_calls(), b->cost().generator_calls());
  EXPECT_EQ(a->stop_reason(), b->stop_reason());
  ASSERT_EQ(a->answers_size(), b->answers_size());
  for (int i = 0; i < a->answers_size(); ++i) {
    EXPECT_EQ(std::vector<std::string>(a->answers(i).steps().begin(),
                                       a->answers(i).steps().end()),
              std::vector<std::string>(b->answers(i).steps().begin(),
                                       b->answers(i).steps().end()));
  }
  // Two nodes a round; the budget is checked before each round, so the
  // search ends within one round past 256 tokens, or earlier.
  EXPECT_LE(a->cost().expansions(), 2 * a->cost().generator_calls());
  if (a->stop_reason() == "token budget") {
    EXPECT_GE(a->cost().tokens_generated(), 256);
  } else {
    EXPECT_LT(a->cost().tokens_generated(), 256);
  }
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
  options.stop_confidence = 0.25;
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
  EXPECT_EQ(back->stop_confidence, 0.25);
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
  EXPECT_EQ(defaults->stop_confidence, 0.5);
  // The strategy's own defaults: arts as tuned, beam as before.
  const search::SearchOptions arts = search::WithStrategyDefaults(*defaults);
  EXPECT_EQ(arts.proposals, 2);
  EXPECT_EQ(arts.expand_width, 2);
  EXPECT_EQ(arts.max_tokens, 256);
  SolveRequest beam_request;
  beam_request.set_strategy(arts::v1::BEAM);
  const search::SearchOptions beam =
      search::WithStrategyDefaults(*backends::OptionsFromProto(beam_request));
  EXPECT_EQ(beam.proposals, 4);
  EXPECT_EQ(beam.max_tokens, 0);
  // Options left unset stay unset on the wire, for the server's defaults.
  const SolveRequest sent =
      backends::ToProto(kProblem, search::SearchOptions());
  EXPECT_FALSE(sent.params().has_proposals());
  EXPECT_FALSE(sent.budget().has_max_tokens());
  // A check survives the trip both ways.
  for (search::Check check : {search::Check::kUnknown, search::Check::kPassed,
                              search::Check::kFailed}) {
    search::Answer answer;
    answer.check = check;
    EXPECT_EQ(backends::FromProto(backends::ToProto(answer).check()), check);
  }
}

}  // namespace
}  // namespace arts::server
