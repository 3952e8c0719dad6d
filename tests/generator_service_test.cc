// Integration tests of arts.v1.Generator: the service runs in this process
// behind a real gRPC server on loopback, with health, metrics and admission
// control, and serves a tiny random model saved to a temporary checkpoint.

#include "server/models/generator_service.h"

#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdint>
#include <functional>
#include <limits>
#include <memory>
#include <string>
#include <thread>
#include <utility>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/match.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"
#include "absl/time/time.h"
#include "arts/v1/generator.grpc.pb.h"
#include "backends/grpc/generator_client.h"
#include "backends/grpc/grpc_policy.h"
#include "backends/grpc/solve_metadata.h"
#include "backends/local/local_policy.h"
#include "core/countdown/checker.h"
#include "core/countdown/problem.h"
#include "core/model/generator.h"
#include "core/verifier/tree_collector.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "server/server_runner.h"
#include "tests/grpc_support.h"
#include "tests/in_process_server.h"
#include "tests/test_support.h"
#include "tests/tiny_models.h"

namespace arts::server {
namespace {

// Appends `step` to the request's first prefix (creating it).
void AddPrefixStep(arts::v1::ProposeRequest& request, const std::string& step) {
  if (request.prefixes_size() == 0) request.add_prefixes();
  request.mutable_prefixes(0)->add_steps(step);
}

using ::arts::testing_support::Eventually;
using ::arts::testing_support::Health;
using ::arts::testing_support::HttpRequest;
using ::arts::testing_support::HttpResponse;
using ::arts::testing_support::InProcessServer;
using ::arts::testing_support::MetricValue;
using ::arts::testing_support::SaveTinyGenerator;
using ::arts::testing_support::Scrape;
using ::arts::testing_support::SharedServerTest;
using ::arts::v1::Candidate;
using ::arts::v1::ProposeRequest;
using ::grpc::health::v1::HealthCheckResponse;
using ::testing::HasSubstr;
using ::testing::StartsWith;

constexpr char kProblem[] = "4 9 10 13 -> 24";
constexpr char kPrefixStep[] = "13 - 9 = 4 (left: 4 4 10)";
// Six numbers take five steps: the longest traces, for calls that must
// still be running when a deadline, a cancellation or a second call comes.
constexpr char kLongProblem[] = "1 2 3 4 5 6 -> 24";

// --- Helpers ---------------------------------------------------------------

struct GeneratorTraits {
  using Service = GeneratorService;
  using Model = model::Generator;
  static constexpr char kName[] = "generator";
  // The tiny random generator.
  static void SaveModel(const std::string& path) {
    SaveTinyGenerator(path, /*seed=*/11, {{"note", "service test"}});
  }
};

using TestServer = InProcessServer<GeneratorTraits>;
using TinyModelFile = testing_support::TinyModelFile<GeneratorTraits>;

ProposeRequest MakeRequest(int num_candidates, int max_steps, uint64_t seed,
                           bool constrained = false) {
  ProposeRequest request;
  request.set_problem(kProblem);
  request.set_num_candidates(num_candidates);
  request.set_max_steps(max_steps);
  request.mutable_sampling()->set_seed(seed);
  request.mutable_sampling()->set_constrained(constrained);
  return request;
}

// The slowest request there is: the most candidates, each to the end of the
// longest trace (constrained, so none stops early on an illegal step).
ProposeRequest SlowRequest(uint64_t seed) {
  ProposeRequest request = MakeRequest(64, 0, seed, /*constrained=*/true);
  request.set_problem(kLongProblem);
  return request;
}

// Runs Propose through the client library; candidates in arrival order.
absl::StatusOr<std::vector<Candidate>> ProposeAll(
    const std::shared_ptr<grpc::Channel>& channel,
    const ProposeRequest& request, absl::Duration timeout = absl::Seconds(30)) {
  backends::GeneratorClient client(channel);
  std::vector<Candidate> candidates;
  absl::Status status = client.Propose(
      request, [&](const Candidate& c) { candidates.push_back(c); }, timeout);
  if (!status.ok()) return status;
  return candidates;
}

std::vector<Candidate> SortedByIndex(std::vector<Candidate> candidates) {
  std::sort(candidates.begin(), candidates.end(),
            [](const Candidate& a, const Candidate& b) {
              return a.index() < b.index();
            });
  return candidates;
}

// Every index 0..n-1 exactly once.
void ExpectIndicesOnce(const std::vector<Candidate>& candidates, int n) {
  std::vector<int> seen(n, 0);
  for (const Candidate& c : candidates) {
    ASSERT_GE(c.index(), 0);
    ASSERT_LT(c.index(), n);
    ++seen[c.index()];
  }
  for (int i = 0; i < n; ++i) EXPECT_EQ(seen[i], 1) << "index " << i;
  EXPECT_EQ(candidates.size(), static_cast<size_t>(n));
}

std::vector<std::string> Concat(
    std::vector<std::string> prefix,
    const google::protobuf::RepeatedPtrField<std::string>& steps) {
  prefix.insert(prefix.end(), steps.begin(), steps.end());
  return prefix;
}

countdown::Problem ParsedProblem(const std::string& text) {
  absl::StatusOr<countdown::Problem> problem = countdown::ParseProblem(text);
  EXPECT_TRUE(problem.ok()) << problem.status();
  return problem.ok() ? *problem : countdown::Problem();
}

// --- The main server, shared by the tests of this fixture -----------------

class GeneratorServiceTest : public SharedServerTest<GeneratorTraits> {};

TEST_F(GeneratorServiceTest, ProposeStreamsEveryCandidateOnce) {
  const countdown::Problem problem = ParsedProblem(kProblem);
  for (bool constrained : {false, true}) {
    SCOPED_TRACE(constrained ? "constrained" : "free");
    absl::StatusOr<std::vector<Candidate>> candidates =
        ProposeAll(channel(), MakeRequest(5, 1, /*seed=*/3, constrained));
    ASSERT_TRUE(candidates.ok()) << candidates.status();
    ExpectIndicesOnce(*candidates, 5);
    for (const Candidate& c : *candidates) {
      SCOPED_TRACE(c.ShortDebugString());
      EXPECT_GT(c.num_tokens(), 0);
      EXPECT_LE(c.logprob(), 0);
      if (c.valid()) {
        ASSERT_EQ(c.steps_size(), 1);
        EXPECT_TRUE(c.invalid_reason().empty());
        countdown::TraceVerdict verdict =
            countdown::CheckTrace(problem, Concat({}, c.steps()));
        EXPECT_TRUE(verdict.valid) << verdict.reason;
        EXPECT_EQ(c.terminal(), verdict.terminal);
      } else {
        EXPECT_FALSE(constrained) << "constrained decoding made a bad step";
        EXPECT_FALSE(c.invalid_reason().empty());
        EXPECT_FALSE(c.terminal());
      }
    }
  }
}

TEST_F(GeneratorServiceTest, ConstrainedToTheEndIsValidAndTerminal) {
  const countdown::Problem problem = ParsedProblem(kProblem);
  absl::StatusOr<std::vector<Candidate>> candidates =
      ProposeAll(channel(), MakeRequest(8, 0, /*seed=*/5, true));
  ASSERT_TRUE(candidates.ok()) << candidates.status();
  ExpectIndicesOnce(*candidates, 8);
  for (const Candidate& c : *candidates) {
    SCOPED_TRACE(c.ShortDebugString());
    EXPECT_TRUE(c.valid()) << c.invalid_reason();
    EXPECT_TRUE(c.terminal());
    EXPECT_EQ(c.steps_size(), 3);  // four numbers, three steps
    EXPECT_GT(c.num_tokens(), 0);
    EXPECT_LE(c.logprob(), 0);
    countdown::TraceVerdict verdict =
        countdown::CheckTrace(problem, Concat({}, c.steps()));
    EXPECT_TRUE(verdict.valid) << verdict.reason;
    EXPECT_TRUE(verdict.terminal);
  }
}

TEST_F(GeneratorServiceTest, SameSeedSameCandidatesAfterAPrefix) {
  const countdown::Problem problem = ParsedProblem(kProblem);
  for (bool constrained : {false, true}) {
    SCOPED_TRACE(constrained ? "constrained" : "free");
    ProposeRequest request = MakeRequest(8, 0, /*seed=*/1234, constrained);
    AddPrefixStep(request, kPrefixStep);
    request.mutable_sampling()->set_temperature(1.3);
    absl::StatusOr<std::vector<Candidate>> a = ProposeAll(channel(), request);
    absl::StatusOr<std::vector<Candidate>> b = ProposeAll(channel(), request);
    ASSERT_TRUE(a.ok()) << a.status();
    ASSERT_TRUE(b.ok()) << b.status();
    ExpectIndicesOnce(*a, 8);
    ExpectIndicesOnce(*b, 8);
    const std::vector<Candidate> sa = SortedByIndex(*a);
    const std::vector<Candidate> sb = SortedByIndex(*b);
    for (size_t i = 0; i < sa.size(); ++i) {
      SCOPED_TRACE(absl::StrCat("index ", i));
      EXPECT_EQ(sa[i].ShortDebugString(), sb[i].ShortDebugString());
      if (sa[i].valid()) {
        // The new steps continue the prefix.
        countdown::TraceVerdict verdict = countdown::CheckTrace(
            problem, Concat({kPrefixStep}, sa[i].steps()));
        EXPECT_TRUE(verdict.valid) << verdict.reason;
        EXPECT_TRUE(verdict.terminal);
        EXPECT_EQ(sa[i].steps_size(), 2);
      } else {
        EXPECT_FALSE(constrained);
      }
    }
  }
}

TEST_F(GeneratorServiceTest, UnsetFieldsTakeTheirDefaults) {
  // num_candidates 0 (unset) means one candidate.
  ProposeRequest one = MakeRequest(0, 1, /*seed=*/9);
  absl::StatusOr<std::vector<Candidate>> single = ProposeAll(channel(), one);
  ASSERT_TRUE(single.ok()) << single.status();
  ExpectIndicesOnce(*single, 1);

  // An unset temperature is 1, an unset top_p is 1 (off).
  ProposeRequest unset = MakeRequest(6, 0, /*seed=*/21);
  ProposeRequest explicit_ones = unset;
  explicit_ones.mutable_sampling()->set_temperature(1.0);
  explicit_ones.mutable_sampling()->set_top_p(1.0);
  absl::StatusOr<std::vector<Candidate>> a = ProposeAll(channel(), unset);
  absl::StatusOr<std::vector<Candidate>> b =
      ProposeAll(channel(), explicit_ones);
  ASSERT_TRUE(a.ok()) << a.status();
  ASSERT_TRUE(b.ok()) << b.status();
  const std::vector<Candidate> sa = SortedByIndex(*a);
  const std::vector<Candidate> sb = SortedByIndex(*b);
  ASSERT_EQ(sa.size(), sb.size());
  for (size_t i = 0; i < sa.size(); ++i) {
    EXPECT_EQ(sa[i].ShortDebugString(), sb[i].ShortDebugString());
  }
}

struct InvalidCase {
  std::string field;  // the message must start with "<field>:"
  std::function<void(ProposeRequest&)> mutate;
};

TEST_F(GeneratorServiceTest, EveryInvalidFieldIsNamed) {
  const std::vector<InvalidCase> cases = {
      {"problem", [](ProposeRequest& r) { r.set_problem("4 9 10 13 => 24"); }},
      {"problem", [](ProposeRequest& r) { r.set_problem(""); }},
      {"prefixes[0].steps[0]",
       [](ProposeRequest& r) {
         AddPrefixStep(r, "13 - 9 = 5 (left: 4 5 10)");
       }},
      {"prefixes[0].steps[1]",
       [](ProposeRequest& r) {
         AddPrefixStep(r, kPrefixStep);
         AddPrefixStep(r, "9 + 4 = 13 (left: 4 10 13)");  // 9 is gone
       }},
      {"prefixes[0].steps",
       [](ProposeRequest& r) {
         r.set_problem("2 3 -> 6");
         AddPrefixStep(r, "2 * 3 = 6 (left: 6)");
       }},
      {"num_candidates", [](ProposeRequest& r) { r.set_num_candidates(65); }},
      {"num_candidates", [](ProposeRequest& r) { r.set_num_candidates(-1); }},
      {"max_steps", [](ProposeRequest& r) { r.set_max_steps(-1); }},
      {"max_steps", [](ProposeRequest& r) { r.set_max_steps(9); }},
      {"sampling.temperature",
       [](ProposeRequest& r) { r.mutable_sampling()->set_temperature(-1); }},
      {"sampling.temperature",
       [](ProposeRequest& r) { r.mutable_sampling()->set_temperature(11); }},
      {"sampling.temperature",
       [](ProposeRequest& r) {
         r.mutable_sampling()->set_temperature(
             std::numeric_limits<double>::quiet_NaN());
       }},
      {"sampling.top_p",
       [](ProposeRequest& r) { r.mutable_sampling()->set_top_p(0); }},
      {"sampling.top_p",
       [](ProposeRequest& r) { r.mutable_sampling()->set_top_p(1.5); }},
      {"sampling.top_k",
       [](ProposeRequest& r) { r.mutable_sampling()->set_top_k(-1); }},
  };
  for (const InvalidCase& c : cases) {
    ProposeRequest request = MakeRequest(2, 1, /*seed=*/1);
    c.mutate(request);
    SCOPED_TRACE(request.ShortDebugString());
    absl::StatusOr<std::vector<Candidate>> result =
        ProposeAll(channel(), request);
    ASSERT_FALSE(result.ok());
    EXPECT_EQ(result.status().code(), absl::StatusCode::kInvalidArgument)
        << result.status();
    EXPECT_THAT(std::string(result.status().message()),
                StartsWith(c.field + ": "));
  }
  // The limits themselves are accepted.
  ProposeRequest edge = MakeRequest(64, 8, /*seed=*/1);
  edge.mutable_sampling()->set_temperature(10);
  edge.mutable_sampling()->set_top_p(0.5);
  edge.mutable_sampling()->set_top_k(3);
  absl::StatusOr<std::vector<Candidate>> accepted = ProposeAll(channel(), edge);
  ASSERT_TRUE(accepted.ok()) << accepted.status();
  ExpectIndicesOnce(*accepted, 64);
}

TEST_F(GeneratorServiceTest, ShortDeadlineEndsTheCallAndTheWork) {
  // How long the first candidate takes when the call may run to the end (the
  // first of two runs warms up): a server that ignored the deadline would
  // work at least that long, until its first write failed.
  const ProposeRequest request = SlowRequest(/*seed=*/2);
  absl::Duration first_candidate = absl::InfiniteDuration();
  backends::GeneratorClient client(channel());
  for (int run = 0; run < 2; ++run) {
    const absl::Time start = absl::Now();
    first_candidate = absl::InfiniteDuration();
    absl::Status full = client.Propose(
        request,
        [&](const Candidate&) {
          first_candidate = std::min(first_candidate, absl::Now() - start);
        },
        absl::Seconds(30));
    ASSERT_TRUE(full.ok()) << full;
  }

  const std::string before = Scrape(metrics_port());
  auto ended = [](const std::string& body) {
    return MetricValue(body, "arts_rpc_requests_total",
                       {{"method", "Propose"}, {"code", "DEADLINE_EXCEEDED"}}) +
           MetricValue(body, "arts_rpc_requests_total",
                       {{"method", "Propose"}, {"code", "CANCELLED"}});
  };
  auto stub = arts::v1::Generator::NewStub(channel());
  // A call that expires before it reaches the server may never start there,
  // so growing deadlines (all well under the time to the first candidate)
  // are tried until the server has seen one end.
  bool server_saw_the_end = false;
  std::string after;
  for (int deadline_ms : {1, 5, 10, 20}) {
    if (absl::Milliseconds(deadline_ms) * 4 > first_candidate) break;
    SCOPED_TRACE(absl::StrCat("deadline ", deadline_ms, " ms"));
    grpc::ClientContext context;
    context.set_deadline(std::chrono::system_clock::now() +
                         std::chrono::milliseconds(deadline_ms));
    std::unique_ptr<grpc::ClientReader<Candidate>> reader =
        stub->Propose(&context, request);
    Candidate candidate;
    int received = 0;
    while (reader->Read(&candidate)) ++received;
    grpc::Status status = reader->Finish();
    EXPECT_EQ(status.error_code(), grpc::StatusCode::DEADLINE_EXCEEDED)
        << status.error_message();
    EXPECT_LT(received, request.num_candidates());
    // The server records the call as ended by the deadline (or cancelled,
    // when the cancellation reaches it first), not as finished.
    server_saw_the_end = Eventually(
        [&] {
          after = Scrape(metrics_port());
          return ended(after) > ended(before);
        },
        absl::Seconds(1));
    if (server_saw_the_end) break;
  }
  ASSERT_TRUE(server_saw_the_end)
      << "first candidate after " << first_candidate << "; metrics:\n"
      << after;
  EXPECT_EQ(MetricValue(after, "arts_rpc_requests_total",
                        {{"method", "Propose"}, {"code", "OK"}}),
            MetricValue(before, "arts_rpc_requests_total",
                        {{"method", "Propose"}, {"code", "OK"}}));
  // And it stopped working at once: the calls it saw ended well before the
  // first candidate would have been ready.
  const double calls = MetricValue(after, "arts_rpc_latency_seconds_count",
                                   {{"method", "Propose"}}) -
                       MetricValue(before, "arts_rpc_latency_seconds_count",
                                   {{"method", "Propose"}});
  const double seconds = MetricValue(after, "arts_rpc_latency_seconds_sum",
                                     {{"method", "Propose"}}) -
                         MetricValue(before, "arts_rpc_latency_seconds_sum",
                                     {{"method", "Propose"}});
  ASSERT_GE(calls, 1);
  EXPECT_LT(seconds / calls, absl::ToDoubleSeconds(first_candidate) / 2)
      << "first candidate after " << first_candidate;
  EXPECT_TRUE(Eventually(
      [&] {
        return MetricValue(Scrape(metrics_port()), "arts_rpc_in_flight",
                           {{"method", "Propose"}}) == 0;
      },
      absl::Seconds(5)));
}

TEST_F(GeneratorServiceTest, ClientCancellationEndsTheStream) {
  auto stub = arts::v1::Generator::NewStub(channel());
  for (bool read_first : {false, true}) {
    SCOPED_TRACE(read_first ? "after the first read" : "immediately");
    grpc::ClientContext context;
    context.set_deadline(std::chrono::system_clock::now() +
                         std::chrono::seconds(30));
    std::unique_ptr<grpc::ClientReader<Candidate>> reader =
        stub->Propose(&context, SlowRequest(/*seed=*/4));
    Candidate candidate;
    if (read_first) {
      EXPECT_TRUE(reader->Read(&candidate));
    }
    context.TryCancel();
    while (reader->Read(&candidate)) {
    }
    grpc::Status status = reader->Finish();
    EXPECT_EQ(status.error_code(), grpc::StatusCode::CANCELLED)
        << status.error_message();
  }
  // The server lets go of cancelled calls.
  EXPECT_TRUE(Eventually(
      [&] {
        return MetricValue(Scrape(metrics_port()), "arts_rpc_in_flight",
                           {{"method", "Propose"}}) == 0;
      },
      absl::Seconds(5)));
  // And serves the next call.
  absl::StatusOr<std::vector<Candidate>> after =
      ProposeAll(channel(), MakeRequest(2, 1, /*seed=*/4));
  EXPECT_TRUE(after.ok()) << after.status();
}

TEST_F(GeneratorServiceTest, GetModelInfoDescribesTheModel) {
  backends::GeneratorClient client(channel());
  absl::StatusOr<arts::v1::ModelInfo> info =
      client.GetModelInfo(absl::Seconds(10));
  ASSERT_TRUE(info.ok()) << info.status();
  EXPECT_EQ(info->kind(), "generator");
  EXPECT_EQ(info->path(), model_->path());
  EXPECT_GT(info->num_parameters(), 0);
  ASSERT_TRUE(info->metadata().contains("d_model"));
  EXPECT_EQ(info->metadata().at("d_model"), "32");
  ASSERT_TRUE(info->metadata().contains("note"));
  EXPECT_EQ(info->metadata().at("note"), "service test");
}

// Tree collection runs the same code against the model in-process and
// behind the service; with the same seed both give the same tree.
TEST_F(GeneratorServiceTest, GrpcProposerCollectsTheSameTreeAsLocal) {
  absl::StatusOr<std::unique_ptr<model::Generator>> generator =
      model::Generator::Load(model_->path());
  ASSERT_TRUE(generator.ok()) << generator.status();
  backends::LocalPolicy local(**generator);
  backends::GrpcPolicy remote(channel(), absl::Seconds(30));
  verifier::CollectorOptions options;
  options.children = 3;
  options.max_expanded_per_depth = 3;
  options.sampling.seed = 99;
  options.sampling.constrained = true;  // the random model's trees go deep
  const countdown::Problem problem =
      *countdown::ParseProblem("4 9 10 13 -> 24");
  absl::StatusOr<verifier::TraceTree> a =
      verifier::CollectTree(local, problem, options);
  absl::StatusOr<verifier::TraceTree> b =
      verifier::CollectTree(remote, problem, options);
  ASSERT_TRUE(a.ok()) << a.status();
  ASSERT_TRUE(b.ok()) << b.status();
  ASSERT_EQ(a->nodes.size(), b->nodes.size());
  ASSERT_EQ(a->nodes.size(), 1u + 3 + 9 + 9);
  for (size_t i = 0; i < a->nodes.size(); ++i) {
    EXPECT_EQ(a->nodes[i].step, b->nodes[i].step) << "node " << i;
    EXPECT_EQ(a->nodes[i].parent, b->nodes[i].parent) << "node " << i;
    EXPECT_EQ(a->nodes[i].valid, b->nodes[i].valid) << "node " << i;
    // The served generator's prefix cache feeds a prefix in parts, which
    // rounds differently: the steps agree exactly, log pi to rounding.
    EXPECT_NEAR(a->nodes[i].logprob, b->nodes[i].logprob, 1e-4);
  }
}

// A bad request through the gRPC policy keeps its field-naming message.
TEST_F(GeneratorServiceTest, GrpcProposerPassesErrorsThrough) {
  backends::GrpcPolicy remote(channel(), absl::Seconds(30));
  model::ProposeRequest request;
  request.problem = "1 2 -> 3";
  request.num_candidates = 65;
  absl::Status status =
      remote.Propose(request, backend::CallContext{}, [](model::Candidate) {});
  EXPECT_EQ(status.code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(std::string(status.message()), StartsWith("num_candidates"));
}

TEST_F(GeneratorServiceTest, TrailersSayWhereTheCallsTimeWent) {
  auto stub = arts::v1::Generator::NewStub(channel());
  grpc::ClientContext context;
  context.set_deadline(std::chrono::system_clock::now() +
                       std::chrono::seconds(30));
  // Which Solve the call serves; a malformed value is ignored.
  context.AddMetadata(backends::kSolveAgeKey, "5000000");
  context.AddMetadata(backends::kSolveTimeLeftKey, "soon");
  std::unique_ptr<grpc::ClientReader<Candidate>> reader =
      stub->Propose(&context, MakeRequest(4, 1, /*seed=*/8, true));
  Candidate candidate;
  int received = 0;
  while (reader->Read(&candidate)) ++received;
  const grpc::Status status = reader->Finish();
  ASSERT_TRUE(status.ok()) << status.error_message();
  EXPECT_EQ(received, 4);
  const std::optional<backend::BackendTime> time = backends::BackendTimeFrom(
      backend::BackendTime::Backend::kGenerator, context);
  ASSERT_TRUE(time.has_value());
  EXPECT_GE(time->queued, absl::ZeroDuration());
  EXPECT_GT(time->computed, absl::ZeroDuration());
  EXPECT_LT(time->queued + time->computed, absl::Seconds(30));
}

TEST(SolveMetadataTest, ReadsRelativeTimesAndIgnoresBadValues) {
  const std::string age = "2000000", left = "30000000";
  std::multimap<grpc::string_ref, grpc::string_ref> metadata;
  metadata.emplace(backends::kSolveAgeKey, age);
  metadata.emplace(backends::kSolveTimeLeftKey, left);
  const absl::Time before = absl::Now();
  const backend::SolveTimes solve = backends::SolveTimesFrom(metadata);
  const absl::Time after = absl::Now();
  EXPECT_GE(solve.arrival, before - absl::Seconds(2));
  EXPECT_LE(solve.arrival, after - absl::Seconds(2));
  EXPECT_GE(solve.deadline, before + absl::Seconds(30));
  EXPECT_LE(solve.deadline, after + absl::Seconds(30));
  for (const std::string bad :
       {"-5", "abc", "", "1e6", "99999999999999999999"}) {
    SCOPED_TRACE(bad);
    std::multimap<grpc::string_ref, grpc::string_ref> wrong;
    wrong.emplace(backends::kSolveAgeKey, bad);
    wrong.emplace(backends::kSolveTimeLeftKey, bad);
    const backend::SolveTimes unknown = backends::SolveTimesFrom(wrong);
    EXPECT_EQ(unknown.arrival, absl::InfiniteFuture());
    EXPECT_EQ(unknown.deadline, absl::InfiniteFuture());
  }
}

TEST_F(GeneratorServiceTest, HealthIsServing) {
  EXPECT_EQ(Health(channel(), absl::Seconds(10)), HealthCheckResponse::SERVING);
}

TEST_F(GeneratorServiceTest, MetricsEndpointExportsTheRpcAndModelSeries) {
  absl::StatusOr<std::vector<Candidate>> candidates =
      ProposeAll(channel(), MakeRequest(4, 1, /*seed=*/8, true));
  ASSERT_TRUE(candidates.ok()) << candidates.status();

  HttpResponse response = HttpRequest(metrics_port(), "GET", "/metrics");
  ASSERT_EQ(response.status, 200) << response.headers;
  EXPECT_THAT(response.headers, HasSubstr("text/plain"));
  EXPECT_THAT(response.headers, HasSubstr(absl::StrCat("Content-Length: ",
                                                       response.body.size())));
  const std::string& body = response.body;
  EXPECT_GE(
      MetricValue(
          body, "arts_rpc_requests_total",
          {{"service", "generator"}, {"method", "Propose"}, {"code", "OK"}}),
      1)
      << body;
  EXPECT_THAT(body, HasSubstr("arts_rpc_latency_seconds_bucket{"));
  EXPECT_GE(MetricValue(body, "arts_rpc_latency_seconds_count",
                        {{"method", "Propose"}}),
            1);
  EXPECT_GT(
      MetricValue(body, "arts_generator_tokens_total", {{"source", "sampled"}}),
      0);
  EXPECT_THAT(body,
              HasSubstr("arts_generator_tokens_total{source=\"forced\"}"));
  EXPECT_GE(
      MetricValue(body, "arts_generator_candidates_total", {{"valid", "true"}}),
      4);
  EXPECT_THAT(body, HasSubstr("arts_generator_candidates_total{"));
  EXPECT_GT(MetricValue(body, "arts_generator_positions_prefilled_total", {}),
            0);
  EXPECT_GE(MetricValue(body, "arts_generator_prefix_cache_lookups_total", {}),
            1);
  EXPECT_THAT(body, HasSubstr("arts_generator_prefix_cache_hits_total"));
  EXPECT_THAT(body, HasSubstr("arts_generator_prefix_cache_bytes"));

  HttpResponse other = HttpRequest(metrics_port(), "GET", "/other");
  EXPECT_EQ(other.status, 404);
  HttpResponse post = HttpRequest(metrics_port(), "POST", "/metrics");
  EXPECT_EQ(post.status, 405);
}

// --- Servers of their own ----------------------------------------------------

TEST(GeneratorServiceLifecycleTest, UnavailableAndNotServingUntilTheModel) {
  TinyModelFile model;
  std::unique_ptr<TestServer> server =
      TestServer::Start(/*max_concurrent_requests=*/4, /*serve_metrics=*/false);
  ASSERT_NE(server, nullptr);

  EXPECT_EQ(Health(server->channel, absl::Seconds(10)),
            HealthCheckResponse::NOT_SERVING);
  absl::StatusOr<std::vector<Candidate>> early =
      ProposeAll(server->channel, MakeRequest(2, 1, /*seed=*/1));
  ASSERT_FALSE(early.ok());
  EXPECT_EQ(early.status().code(), absl::StatusCode::kUnavailable)
      << early.status();
  backends::GeneratorClient client(server->channel);
  EXPECT_EQ(client.GetModelInfo(absl::Seconds(10)).status().code(),
            absl::StatusCode::kUnavailable);

  server->LoadModel(model.path());
  EXPECT_EQ(Health(server->channel, absl::Seconds(10)),
            HealthCheckResponse::SERVING);
  absl::StatusOr<std::vector<Candidate>> later =
      ProposeAll(server->channel, MakeRequest(2, 1, /*seed=*/1));
  ASSERT_TRUE(later.ok()) << later.status();
  ExpectIndicesOnce(*later, 2);
}

TEST(GeneratorServiceQueueTest, FullQueueRefusesWithRetryPushback) {
  // One call of 64 rows fills the batch (max_rows 64); the queue holds one
  // more call; a third is refused with RESOURCE_EXHAUSTED and a
  // grpc-retry-pushback-ms trailer. Which call the server sees first is up
  // to scheduling, and the long call may end before the others arrive, so
  // the round is retried (bounded).
  TinyModelFile model;
  RpcMetrics metrics("generator");
  GeneratorService::Options options;
  options.max_rows = 64;
  options.queue.max_queue = 1;
  GeneratorService service(metrics, options);
  absl::StatusOr<std::unique_ptr<ServerRunner>> runner =
      ServerRunner::Start("127.0.0.1:0", {&service});
  ASSERT_TRUE(runner.ok()) << runner.status();
  auto loaded = model::Generator::Load(model.path());
  ASSERT_TRUE(loaded.ok()) << loaded.status();
  service.SetModel(*std::move(loaded), model.path());
  auto stub = arts::v1::Generator::NewStub(
      backends::InsecureChannel(absl::StrCat("127.0.0.1:", (*runner)->port())));

  bool refused = false;
  std::string message, pushback;
  const absl::Time give_up = absl::Now() + absl::Seconds(20);
  for (int attempt = 0; !refused && absl::Now() < give_up; ++attempt) {
    std::vector<std::unique_ptr<grpc::ClientContext>> contexts;
    std::vector<std::unique_ptr<grpc::ClientReader<Candidate>>> readers;
    for (int i = 0; i < 3; ++i) {
      contexts.push_back(std::make_unique<grpc::ClientContext>());
      contexts.back()->set_deadline(std::chrono::system_clock::now() +
                                    std::chrono::seconds(30));
      readers.push_back(
          stub->Propose(contexts.back().get(), SlowRequest(attempt * 3 + i)));
    }
    for (int i = 0; i < 3; ++i) {
      Candidate candidate;
      while (readers[i]->Read(&candidate)) {
      }
      grpc::Status status = readers[i]->Finish();
      if (status.error_code() == grpc::StatusCode::RESOURCE_EXHAUSTED) {
        refused = true;
        message = status.error_message();
        auto trailers = contexts[i]->GetServerTrailingMetadata();
        auto it = trailers.find("grpc-retry-pushback-ms");
        if (it != trailers.end()) {
          pushback.assign(it->second.data(), it->second.size());
        }
      } else {
        EXPECT_TRUE(status.ok()) << status.error_message();
      }
    }
  }
  ASSERT_TRUE(refused) << "a third concurrent call was never refused";
  EXPECT_THAT(message, HasSubstr("the queue is full (1 calls waiting)"));
  int64_t pushback_ms = 0;
  ASSERT_TRUE(absl::SimpleAtoi(pushback, &pushback_ms)) << pushback;
  EXPECT_GE(pushback_ms, 10);
  (*runner)->Shutdown(absl::Seconds(2));
}

TEST(GeneratorServiceQueueTest, ConcurrentCallsShareDecodeSteps) {
  // Eight calls at once: the scheduler's steps carry rows of several calls,
  // which the rows-per-step histogram shows (a step of one call has at most
  // 4 rows here).
  TinyModelFile model;
  std::unique_ptr<TestServer> server =
      TestServer::Start(/*limit=*/64, /*serve_metrics=*/true);
  ASSERT_NE(server, nullptr);
  server->LoadModel(model.path());
  std::vector<std::thread> clients;
  std::atomic<int> ok{0};
  for (int i = 0; i < 8; ++i) {
    clients.emplace_back([&, i] {
      ProposeRequest request = MakeRequest(4, 0, i, /*constrained=*/true);
      request.set_problem(kLongProblem);
      if (ProposeAll(server->channel, request).ok()) ++ok;
    });
  }
  for (std::thread& t : clients) t.join();
  EXPECT_EQ(ok.load(), 8);
  const std::string metrics = Scrape(server->metrics->port());
  // Steps with more than 4 rows: the le="4" bucket holds fewer than all.
  const double all =
      MetricValue(metrics, "arts_generator_rows_per_step_count", {});
  const double small = MetricValue(
      metrics, "arts_generator_rows_per_step_bucket", {{"le", "4"}});
  EXPECT_GT(all, 0);
  EXPECT_LT(small, all);
}

}  // namespace
}  // namespace arts::server
