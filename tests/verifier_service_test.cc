// Integration tests of arts.v1.Verifier: the service runs in this process
// behind a real gRPC server on loopback, with health, metrics and admission
// control, and serves a tiny random verifier saved to a temporary checkpoint.

#include "server/models/verifier_service.h"

#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <thread>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"
#include "absl/time/time.h"
#include "arts/v1/verifier.grpc.pb.h"
#include "backends/grpc/verifier_client.h"
#include "core/countdown/step.h"
#include "core/verifier/flow_verifier.h"
#include "core/verifier/score_request.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "tests/grpc_support.h"
#include "tests/in_process_server.h"
#include "tests/test_support.h"
#include "tests/tiny_models.h"

namespace arts::server {
namespace {

using ::arts::testing_support::Eventually;
using ::arts::testing_support::Health;
using ::arts::testing_support::HttpRequest;
using ::arts::testing_support::HttpResponse;
using ::arts::testing_support::InProcessServer;
using ::arts::testing_support::MetricValue;
using ::arts::testing_support::SaveTinyVerifier;
using ::arts::testing_support::Scrape;
using ::arts::testing_support::SharedServerTest;
using ::arts::v1::ScoreRequest;
using ::arts::v1::ScoreResponse;
using ::grpc::health::v1::HealthCheckResponse;
using ::testing::HasSubstr;
using ::testing::StartsWith;

constexpr char kProblem[] = "4 9 10 13 -> 24";
constexpr char kStep1[] = "13 - 9 = 4 (left: 4 4 10)";
constexpr char kStep2[] = "10 - 4 = 6 (left: 4 6)";
constexpr char kStep3[] = "4 * 6 = 24 (left: 24)";
// Well-formed but illegal: the arithmetic is wrong, or 100 is not left.
constexpr char kWrongArithmetic[] = "13 - 9 = 5 (left: 4 5 10)";
constexpr char kNotLeft[] = "100 + 1 = 101 (left: 4 9 10 13 101)";

// --- Helpers ---------------------------------------------------------------

struct VerifierTraits {
  using Service = VerifierService;
  using Model = verifier::FlowVerifier;
  static constexpr char kName[] = "verifier";
  // The tiny random verifier.
  static void SaveModel(const std::string& path) {
    SaveTinyVerifier(path, /*seed=*/21, {{"note", "service test"}});
  }
};

using TestServer = InProcessServer<VerifierTraits>;
using TinyModelFile = testing_support::TinyModelFile<VerifierTraits>;

void AddTrace(ScoreRequest& request, const std::string& problem,
              const std::vector<std::string>& steps) {
  arts::v1::Trace* trace = request.add_traces();
  trace->set_problem(problem);
  for (const std::string& step : steps) trace->add_steps(step);
}

// Traces of every kind: the problem alone, a correct solution, and
// well-formed steps that are illegal or empty (a candidate that wrote
// nothing).
ScoreRequest MixedRequest(bool per_step) {
  ScoreRequest request;
  request.set_per_step(per_step);
  AddTrace(request, kProblem, {});
  AddTrace(request, kProblem, {kStep1, kStep2, kStep3});
  AddTrace(request, kProblem, {kWrongArithmetic});
  AddTrace(request, kProblem, {kStep1, kNotLeft});
  AddTrace(request, "1 5 5 5 -> 24", {""});
  return request;
}

// The largest request there is: the most traces, each with the most steps.
// `salt` changes every problem's target, so that calls with different salts
// share no prefix and none is answered from the verifier's prefix cache.
ScoreRequest LargestRequest(int salt = 0) {
  ScoreRequest request;
  for (int i = 0; i < verifier::kMaxTracesPerRequest; ++i) {
    AddTrace(request,
             absl::StrCat("1 2 3 4 5 6 -> ",
                          24 + salt * verifier::kMaxTracesPerRequest + i),
             std::vector<std::string>(verifier::kMaxStepsPerTrace, kStep1));
  }
  return request;
}

std::vector<verifier::TraceRef> ToTraceRefs(const ScoreRequest& request) {
  std::vector<verifier::TraceRef> traces;
  for (const arts::v1::Trace& t : request.traces()) {
    traces.push_back({t.problem(), {t.steps().begin(), t.steps().end()}});
  }
  return traces;
}

absl::StatusOr<ScoreResponse> Score(
    const std::shared_ptr<grpc::Channel>& channel, const ScoreRequest& request,
    absl::Duration timeout = absl::Seconds(30)) {
  return backends::VerifierClient(channel).Score(request, timeout);
}

// Score calls that the server finished with `code`, per its metrics.
double ScoreCalls(const std::string& exposition, const std::string& code) {
  return MetricValue(exposition, "arts_rpc_requests_total",
                     {{"method", "Score"}, {"code", code}});
}

// --- The main server, shared by the tests of this fixture -----------------

class VerifierServiceTest : public SharedServerTest<VerifierTraits> {};

TEST_F(VerifierServiceTest, ScoresEveryTraceOnceInOrder) {
  const ScoreRequest request = MixedRequest(/*per_step=*/false);
  absl::StatusOr<ScoreResponse> response = Score(channel(), request);
  ASSERT_TRUE(response.ok()) << response.status();
  ASSERT_EQ(response->scores_size(), request.traces_size());
  for (const arts::v1::TraceScore& score : response->scores()) {
    SCOPED_TRACE(score.ShortDebugString());
    EXPECT_LT(score.log_flow(), 0);  // log of a probability in (0, 1)
    EXPECT_EQ(score.step_log_flows_size(), 0);
  }
  // The network reads the text: different traces, different scores.
  EXPECT_NE(response->scores(0).log_flow(), response->scores(1).log_flow());
}

TEST_F(VerifierServiceTest, PerStepMatchesTheModelInProcess) {
  const ScoreRequest request = MixedRequest(/*per_step=*/true);
  absl::StatusOr<ScoreResponse> response = Score(channel(), request);
  ASSERT_TRUE(response.ok()) << response.status();
  ASSERT_EQ(response->scores_size(), request.traces_size());

  absl::StatusOr<std::unique_ptr<verifier::FlowVerifier>> local =
      verifier::FlowVerifier::Load(model_->path());
  ASSERT_TRUE(local.ok()) << local.status();
  absl::StatusOr<std::vector<std::vector<double>>> expected =
      (*local)->Score(ToTraceRefs(request));
  ASSERT_TRUE(expected.ok()) << expected.status();

  for (int i = 0; i < request.traces_size(); ++i) {
    SCOPED_TRACE(absl::StrCat("traces[", i, "]"));
    const arts::v1::TraceScore& score = response->scores(i);
    ASSERT_EQ(score.step_log_flows_size(), request.traces(i).steps_size() + 1);
    for (int k = 0; k < score.step_log_flows_size(); ++k) {
      EXPECT_NEAR(score.step_log_flows(k), (*expected)[i][k], 1e-6)
          << "prefix " << k;
    }
    EXPECT_EQ(score.log_flow(),
              score.step_log_flows(score.step_log_flows_size() - 1));
  }
}

TEST_F(VerifierServiceTest, InvalidFieldsAreNamedWithTheirIndex) {
  struct InvalidCase {
    std::string field;  // the message must start with this and ": "
    std::function<void(ScoreRequest&)> mutate;
  };
  const std::string too_long(countdown::kMaxStepChars + 1, '1');
  const std::vector<InvalidCase> cases = {
      {"traces", [](ScoreRequest& r) { r.clear_traces(); }},
      {"traces",
       [](ScoreRequest& r) {
         r.clear_traces();
         for (int i = 0; i <= verifier::kMaxTracesPerRequest; ++i) {
           AddTrace(r, kProblem, {});
         }
       }},
      {"traces[1].problem",
       [](ScoreRequest& r) { r.mutable_traces(1)->set_problem("4 9 -> "); }},
      {"traces[2].problem",
       [](ScoreRequest& r) { r.mutable_traces(2)->set_problem(""); }},
      {"traces[1].problem",
       [](ScoreRequest& r) { r.mutable_traces(1)->set_problem("1 -> 1"); }},
      {"traces[3].steps",
       [](ScoreRequest& r) {
         for (int i = 0; i < verifier::kMaxStepsPerTrace; ++i) {
           r.mutable_traces(3)->add_steps(kStep1);
         }
       }},
      {"traces[1].steps[2]",
       [&too_long](ScoreRequest& r) {
         r.mutable_traces(1)->set_steps(2, too_long);
       }},
      {"traces[1].steps[0]",
       [](ScoreRequest& r) {
         r.mutable_traces(1)->set_steps(0, "13 - 9 = 4 (left: 4 4 10) x");
       }},
      {"traces[4].steps[0]",
       [](ScoreRequest& r) {
         r.mutable_traces(4)->set_steps(0, "1 + 1\n= 2");
       }},
      {"traces[2].steps[0]",
       [](ScoreRequest& r) {
         r.mutable_traces(2)->set_steps(0, "13 \xe2\x88\x92 9 = 4");
       }},
      // Each step fits, but together they do not fit the model's context.
      {"traces[3]",
       [](ScoreRequest& r) {
         r.mutable_traces(3)->clear_steps();
         for (int i = 0; i < verifier::kMaxStepsPerTrace; ++i) {
           r.mutable_traces(3)->add_steps(
               std::string(countdown::kMaxStepChars, '1'));
         }
       }},
  };
  for (const InvalidCase& c : cases) {
    ScoreRequest request = MixedRequest(/*per_step=*/true);
    c.mutate(request);
    SCOPED_TRACE(c.field);
    absl::StatusOr<ScoreResponse> result = Score(channel(), request);
    ASSERT_FALSE(result.ok());
    EXPECT_EQ(result.status().code(), absl::StatusCode::kInvalidArgument)
        << result.status();
    EXPECT_THAT(std::string(result.status().message()),
                StartsWith(c.field + ": "));
  }
}

TEST_F(VerifierServiceTest, TheLimitsThemselvesAreAccepted) {
  ScoreRequest request = LargestRequest();
  request.set_per_step(true);
  // The longest step, in a trace of its own that fits the context.
  request.mutable_traces(7)->clear_steps();
  request.mutable_traces(7)->add_steps(
      std::string(countdown::kMaxStepChars, '1'));
  absl::StatusOr<ScoreResponse> response = Score(channel(), request);
  ASSERT_TRUE(response.ok()) << response.status();
  ASSERT_EQ(response->scores_size(), verifier::kMaxTracesPerRequest);
  for (int i = 0; i < response->scores_size(); ++i) {
    EXPECT_EQ(response->scores(i).step_log_flows_size(),
              request.traces(i).steps_size() + 1);
  }
}

TEST_F(VerifierServiceTest, ShortDeadlineIsNotReportedAsServed) {
  // Every call below has its own salt: a request the prefix cache already
  // holds is answered in well under a millisecond, before any deadline.
  int salt = 1;
  // How long the call takes when it may finish (the first run warms up).
  absl::Duration full = absl::InfiniteDuration();
  for (int run = 0; run < 2; ++run) {
    const absl::Time start = absl::Now();
    absl::StatusOr<ScoreResponse> response =
        Score(channel(), LargestRequest(salt++));
    ASSERT_TRUE(response.ok()) << response.status();
    full = absl::Now() - start;
  }

  const std::string before = Scrape(metrics_port());
  auto ended = [](const std::string& body) {
    return ScoreCalls(body, "DEADLINE_EXCEEDED") +
           ScoreCalls(body, "CANCELLED");
  };
  // A call that expires before it reaches the server may never start there,
  // so growing deadlines (all well under the full call) are tried until the
  // server has seen one end.
  bool server_saw_the_end = false;
  std::string after;
  for (int deadline_ms : {1, 2, 5, 10, 20}) {
    if (absl::Milliseconds(deadline_ms) * 4 > full) break;
    SCOPED_TRACE(absl::StrCat("deadline ", deadline_ms, " ms"));
    absl::StatusOr<ScoreResponse> response = Score(
        channel(), LargestRequest(salt++), absl::Milliseconds(deadline_ms));
    EXPECT_EQ(response.status().code(), absl::StatusCode::kDeadlineExceeded)
        << response.status();
    server_saw_the_end = Eventually(
        [&] {
          after = Scrape(metrics_port());
          return ended(after) > ended(before);
        },
        absl::Seconds(2));
    if (server_saw_the_end) break;
  }
  if (!server_saw_the_end) {
    GTEST_SKIP() << "no deadline short enough reached the server; full call "
                 << full;
  }
  EXPECT_EQ(ScoreCalls(after, "OK"), ScoreCalls(before, "OK")) << after;
}

TEST_F(VerifierServiceTest, GetModelInfoDescribesTheModel) {
  backends::VerifierClient client(channel());
  absl::StatusOr<arts::v1::ModelInfo> info =
      client.GetModelInfo(absl::Seconds(10));
  ASSERT_TRUE(info.ok()) << info.status();
  EXPECT_EQ(info->kind(), "verifier");
  EXPECT_EQ(info->path(), model_->path());
  model::TransformerConfig config = testing_support::TinyTransformerConfig();
  config.output_size = 1;
  int64_t parameters = 0;
  for (const auto& p :
       testing_support::MakeTinyTransformer(1, config)->parameters()) {
    parameters += p.numel();
  }
  EXPECT_EQ(info->num_parameters(), parameters);
  ASSERT_TRUE(info->metadata().contains("d_model"));
  EXPECT_EQ(info->metadata().at("d_model"), "32");
  ASSERT_TRUE(info->metadata().contains("output_size"));
  EXPECT_EQ(info->metadata().at("output_size"), "1");
  ASSERT_TRUE(info->metadata().contains("note"));
  EXPECT_EQ(info->metadata().at("note"), "service test");
}

TEST_F(VerifierServiceTest, HealthIsServing) {
  EXPECT_EQ(Health(channel(), absl::Seconds(10)), HealthCheckResponse::SERVING);
}

TEST_F(VerifierServiceTest, MetricsEndpointExportsTheRpcAndModelSeries) {
  const std::string before = Scrape(metrics_port());
  const ScoreRequest request = MixedRequest(/*per_step=*/false);
  absl::StatusOr<ScoreResponse> response = Score(channel(), request);
  ASSERT_TRUE(response.ok()) << response.status();
  // A refused request reaches no model and counts no traces.
  ScoreRequest empty;
  ASSERT_FALSE(Score(channel(), empty).ok());

  HttpResponse scraped = HttpRequest(metrics_port(), "GET", "/metrics");
  ASSERT_EQ(scraped.status, 200) << scraped.headers;
  const std::string& body = scraped.body;
  EXPECT_GE(MetricValue(
                body, "arts_rpc_requests_total",
                {{"service", "verifier"}, {"method", "Score"}, {"code", "OK"}}),
            1)
      << body;
  EXPECT_GE(MetricValue(body, "arts_rpc_requests_total",
                        {{"method", "Score"}, {"code", "INVALID_ARGUMENT"}}),
            1);
  EXPECT_GE(MetricValue(body, "arts_rpc_latency_seconds_count",
                        {{"method", "Score"}}),
            1);
  EXPECT_EQ(MetricValue(body, "arts_verifier_traces_scored_total", {}) -
                MetricValue(before, "arts_verifier_traces_scored_total", {}),
            request.traces_size())
      << body;
  EXPECT_EQ(MetricValue(body, "arts_verifier_batch_size_count", {}) -
                MetricValue(before, "arts_verifier_batch_size_count", {}),
            1);
  EXPECT_EQ(MetricValue(body, "arts_verifier_batch_size_sum", {}) -
                MetricValue(before, "arts_verifier_batch_size_sum", {}),
            request.traces_size());
  // Buckets 1, 2, 4, ..., 256: five traces fall in le="8" but not le="4".
  for (int le = 1; le <= verifier::kMaxTracesPerRequest; le *= 2) {
    EXPECT_THAT(body, HasSubstr(absl::StrCat(
                          "arts_verifier_batch_size_bucket{le=\"", le, "\"}")));
  }
  auto bucket = [](const std::string& text, const std::string& le) {
    return MetricValue(text, "arts_verifier_batch_size_bucket", {{"le", le}});
  };
  EXPECT_EQ(bucket(body, "4") - bucket(before, "4"), 0);
  EXPECT_EQ(bucket(body, "8") - bucket(before, "8"), 1);
}

// --- Servers of their own ----------------------------------------------------

TEST(VerifierServiceLifecycleTest, UnavailableAndNotServingUntilTheModel) {
  TinyModelFile model;
  std::unique_ptr<TestServer> server =
      TestServer::Start(/*max_concurrent_requests=*/4, /*serve_metrics=*/false);
  ASSERT_NE(server, nullptr);

  EXPECT_EQ(Health(server->channel, absl::Seconds(10)),
            HealthCheckResponse::NOT_SERVING);
  absl::StatusOr<ScoreResponse> early =
      Score(server->channel, MixedRequest(false));
  ASSERT_FALSE(early.ok());
  EXPECT_EQ(early.status().code(), absl::StatusCode::kUnavailable)
      << early.status();
  backends::VerifierClient client(server->channel);
  EXPECT_EQ(client.GetModelInfo(absl::Seconds(10)).status().code(),
            absl::StatusCode::kUnavailable);

  server->LoadModel(model.path());
  EXPECT_EQ(Health(server->channel, absl::Seconds(10)),
            HealthCheckResponse::SERVING);
  absl::StatusOr<ScoreResponse> later =
      Score(server->channel, MixedRequest(false));
  ASSERT_TRUE(later.ok()) << later.status();
  EXPECT_EQ(later->scores_size(), 5);
}

TEST(VerifierServiceQueueTest, FullQueueRefusesWithRetryPushback) {
  // A queue of one call: of several of the largest calls at once, one is
  // scored, one waits, and the rest are refused, with retry pushback.
  // Retried (bounded) in case the calls did not overlap.
  TinyModelFile model;
  std::unique_ptr<TestServer> server =
      TestServer::Start(/*limit=*/1, /*serve_metrics=*/false);
  ASSERT_NE(server, nullptr);
  server->LoadModel(model.path());
  auto stub = arts::v1::Verifier::NewStub(server->channel);

  const ScoreRequest request = LargestRequest();
  bool refused = false;
  std::string message, pushback;
  const absl::Time give_up = absl::Now() + absl::Seconds(20);
  while (!refused && absl::Now() < give_up) {
    std::vector<grpc::Status> statuses(6);
    std::vector<std::string> pushbacks(6);
    std::vector<std::thread> calls;
    for (int i = 0; i < 6; ++i) {
      calls.emplace_back([&, i] {
        grpc::ClientContext context;
        context.set_deadline(std::chrono::system_clock::now() +
                             std::chrono::seconds(30));
        ScoreResponse response;
        statuses[i] = stub->Score(&context, request, &response);
        auto trailers = context.GetServerTrailingMetadata();
        auto it = trailers.find("grpc-retry-pushback-ms");
        if (it != trailers.end()) {
          pushbacks[i].assign(it->second.data(), it->second.size());
        }
      });
    }
    for (std::thread& call : calls) call.join();
    for (int i = 0; i < 6; ++i) {
      if (statuses[i].error_code() == grpc::StatusCode::RESOURCE_EXHAUSTED) {
        refused = true;
        message = statuses[i].error_message();
        pushback = pushbacks[i];
      } else {
        EXPECT_TRUE(statuses[i].ok()) << statuses[i].error_message();
      }
    }
  }
  ASSERT_TRUE(refused) << "concurrent calls were never refused";
  EXPECT_THAT(message, HasSubstr("the queue is full (1 calls waiting)"));
  int64_t pushback_ms = 0;
  EXPECT_TRUE(absl::SimpleAtoi(pushback, &pushback_ms)) << pushback;
  EXPECT_GE(pushback_ms, 10);

  // With the queue free again, calls are served.
  absl::StatusOr<ScoreResponse> after =
      Score(server->channel, MixedRequest(false));
  EXPECT_TRUE(after.ok()) << after.status();
}

TEST(VerifierServiceQueueTest,
     AVerifierThatNeverConsultsTheCacheCountsNoLookups) {
  // The bundled verifier is a state network: it reads one state per prefix
  // and never looks in the prefix cache, so no lookup (hit or miss) may be
  // counted, whatever the cache's size.
  std::unique_ptr<TestServer> server =
      TestServer::Start(/*limit=*/64, /*serve_metrics=*/true);
  ASSERT_NE(server, nullptr);
  server->LoadModel(std::string(ARTS_MODELS_DIR) + "/verifier_flow.ckpt");
  ScoreRequest request;
  request.set_task("countdown");
  for (int i = 0; i < 2; ++i) {
    auto* trace = request.add_traces();
    trace->set_problem("4 9 10 13 -> 24");
    trace->add_steps("13 - 9 = 4 (left: 4 4 10)");
  }
  ASSERT_TRUE(Score(server->channel, request).ok());
  ASSERT_TRUE(Score(server->channel, request).ok());
  const std::string metrics = Scrape(server->metrics->port());
  EXPECT_EQ(MetricValue(metrics, "arts_verifier_prefix_cache_lookups_total",
                        {{"result", "hit"}}) +
                MetricValue(metrics, "arts_verifier_prefix_cache_lookups_total",
                            {{"result", "miss"}}),
            0);
  EXPECT_GT(MetricValue(metrics, "arts_verifier_traces_scored_total", {}), 0);
}

TEST(VerifierServiceQueueTest,
     ConcurrentCallsShareBatchesAndChildrenHitTheCache) {
  // Parents first, then their children from several clients at once: the
  // children's batches hold several calls, find their parents in the
  // prefix cache, and score as a full pass would (to float rounding).
  TinyModelFile model;
  std::unique_ptr<TestServer> server =
      TestServer::Start(/*limit=*/64, /*serve_metrics=*/true);
  ASSERT_NE(server, nullptr);
  server->LoadModel(model.path());
  auto full = verifier::FlowVerifier::Load(model.path());
  ASSERT_TRUE(full.ok()) << full.status();

  const std::vector<std::string> parent = {"13 - 9 = 4 (left: 4 4 10)"};
  const std::vector<std::string> children = {
      "4 + 4 = 8 (left: 8 10)", "10 - 4 = 6 (left: 4 6)",
      "4 * 10 = 40 (left: 4 40)", "4 / 4 = 1 (left: 1 10)"};
  ScoreRequest parents;
  parents.set_task("countdown");
  auto* p = parents.add_traces();
  p->set_problem("4 9 10 13 -> 24");
  for (const std::string& step : parent) p->add_steps(step);
  ASSERT_TRUE(Score(server->channel, parents).ok());

  std::vector<std::thread> clients;
  std::vector<absl::StatusOr<ScoreResponse>> responses(children.size());
  for (size_t i = 0; i < children.size(); ++i) {
    clients.emplace_back([&, i] {
      ScoreRequest request = parents;
      request.mutable_traces(0)->add_steps(children[i]);
      request.set_per_step(true);
      responses[i] = Score(server->channel, request);
    });
  }
  for (std::thread& t : clients) t.join();
  for (size_t i = 0; i < children.size(); ++i) {
    ASSERT_TRUE(responses[i].ok()) << responses[i].status();
    std::vector<std::string> steps = parent;
    steps.push_back(children[i]);
    absl::StatusOr<std::vector<std::vector<double>>> expected =
        (*full)->Score({{"4 9 10 13 -> 24", steps}});
    ASSERT_TRUE(expected.ok()) << expected.status();
    const auto& got = responses[i]->scores(0).step_log_flows();
    ASSERT_EQ(got.size(), static_cast<int>((*expected)[0].size()));
    for (int k = 0; k < got.size(); ++k) {
      EXPECT_NEAR(got[k], (*expected)[0][k], 1e-5) << "child " << i;
    }
  }
  const std::string metrics = Scrape(server->metrics->port());
  EXPECT_GE(MetricValue(metrics, "arts_verifier_prefix_cache_lookups_total",
                        {{"result", "hit"}}),
            static_cast<double>(children.size()));
  EXPECT_GT(MetricValue(metrics, "arts_verifier_positions_total",
                        {{"source", "cache"}}),
            0);
}

}  // namespace
}  // namespace arts::server
