// Process-level tests of the arts-verifier binary, like generator_binary_test:
// it is started with posix_spawn, its stderr goes to a temporary file, and it
// is talked to only over loopback (helpers in tests/server_process.h).

#include <memory>
#include <set>
#include <string>
#include <utility>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/time/time.h"
#include "arts/v1/verifier.grpc.pb.h"
#include "backends/grpc/verifier_client.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "tests/grpc_support.h"
#include "tests/server_process.h"
#include "tests/test_support.h"
#include "tests/tiny_models.h"

namespace arts {
namespace {

using ::arts::testing_support::HttpGet;
using ::arts::testing_support::ListServices;
using ::arts::testing_support::RunResult;
using ::arts::testing_support::RunToExit;
using ::arts::testing_support::RunWithBadModel;
using ::arts::testing_support::SaveTinyGenerator;
using ::arts::testing_support::SaveTinyVerifier;
using ::arts::testing_support::ServingServer;
using ::arts::testing_support::TempDir;
using ::arts::testing_support::With;
using ::arts::testing_support::WriteGarbage;
using ::testing::HasSubstr;
using ::testing::Not;

constexpr char kBinary[] = ARTS_VERIFIER_BINARY;
constexpr char kTempPrefix[] = "verifier_binary_test";

// --- Startup failures --------------------------------------------------------

TEST(VerifierBinaryTest, CorruptModelFailsFastAndSaysWhy) {
  TempDir dir(kTempPrefix);
  const std::string path = dir.File("corrupt.ckpt");
  WriteGarbage(path);

  RunResult run = RunWithBadModel(kBinary, dir, path);
  EXPECT_EQ(run.exit_code, 1) << run.log;
  EXPECT_LT(run.elapsed, absl::Seconds(10));
  EXPECT_THAT(run.log, HasSubstr("not an ARTS checkpoint"));
  EXPECT_THAT(run.log, Not(HasSubstr("serving")));
}

TEST(VerifierBinaryTest, MissingModelNamesThePath) {
  TempDir dir(kTempPrefix);
  RunResult run = RunWithBadModel(kBinary, dir, dir.File("no-such.ckpt"));
  EXPECT_EQ(run.exit_code, 1) << run.log;
  EXPECT_LT(run.elapsed, absl::Seconds(10));
}

TEST(VerifierBinaryTest, GeneratorCheckpointIsRejected) {
  TempDir dir(kTempPrefix);
  const std::string path = dir.File("generator.ckpt");
  SaveTinyGenerator(path, /*seed=*/5);
  RunResult run = RunWithBadModel(kBinary, dir, path);
  EXPECT_EQ(run.exit_code, 1) << run.log;
  EXPECT_THAT(run.log, HasSubstr("'generator'"));
  EXPECT_THAT(run.log, Not(HasSubstr("serving")));
}

TEST(VerifierBinaryTest, BadFlagValuesAreNamed) {
  TempDir dir(kTempPrefix);
  const std::string model = dir.File("model.ckpt");
  SaveTinyVerifier(model, /*seed=*/3);
  const std::vector<std::pair<std::string, std::string>> cases = {
      {"--threads=0", "--threads"},
      {"--max_queue=0", "--max_queue"},
      {"--preferred_batch=1000", "--preferred_batch"},
      {"--max_queue_delay=5s", "--max_queue_delay"},
      {"--listen=not-an-address", "--listen"},
  };
  for (const auto& [flag, named] : cases) {
    SCOPED_TRACE(flag);
    RunResult run = RunToExit(
        kBinary,
        With({"--listen=127.0.0.1:0", "--metrics_listen=127.0.0.1:0", flag},
             {"--model=" + model}),
        dir.File("stderr.txt"));
    EXPECT_EQ(run.exit_code, 2) << run.log;
    EXPECT_THAT(run.log, HasSubstr(named));
    EXPECT_THAT(run.log, Not(HasSubstr("serving")));
  }
}

// --- A serving process -------------------------------------------------------

TEST(VerifierBinaryServingTest, ServesThenExitsCleanlyOnSigterm) {
  TempDir dir(kTempPrefix);
  const std::string model = dir.File("verifier.ckpt");
  SaveTinyVerifier(model, /*seed=*/7, {{"note", "binary"}});
  ServingServer server;
  ASSERT_NO_FATAL_FAILURE(
      server.Start(kBinary, {"--model=" + model}, dir.File("stderr.txt")));

  auto client = std::make_unique<backends::VerifierClient>(server.channel);
  arts::v1::ScoreRequest request;
  request.set_per_step(true);
  arts::v1::Trace* trace = request.add_traces();
  trace->set_problem("4 9 10 13 -> 24");
  trace->add_steps("13 - 9 = 4 (left: 4 4 10)");
  request.add_traces()->set_problem("1 5 5 5 -> 24");
  absl::StatusOr<arts::v1::ScoreResponse> response =
      client->Score(request, absl::Seconds(20), /*wait_for_ready=*/true);
  ASSERT_TRUE(response.ok()) << response.status();
  ASSERT_EQ(response->scores_size(), 2);
  EXPECT_EQ(response->scores(0).step_log_flows_size(), 2);
  EXPECT_EQ(response->scores(1).step_log_flows_size(), 1);
  EXPECT_LT(response->scores(0).log_flow(), 0);

  absl::StatusOr<arts::v1::ModelInfo> info =
      client->GetModelInfo(absl::Seconds(10));
  ASSERT_TRUE(info.ok()) << info.status();
  EXPECT_EQ(info->kind(), "verifier");
  EXPECT_EQ(info->path(), model);
  EXPECT_GT(info->num_parameters(), 0);
  EXPECT_THAT(
      server.process->Log(),
      HasSubstr(absl::StrCat("(", info->num_parameters(), " parameters)")));

  // Reflection lists the services, as grpcurl would see them.
  absl::StatusOr<std::set<std::string>> services = ListServices(server.channel);
  ASSERT_TRUE(services.ok()) << services.status();
  EXPECT_TRUE(services->count("arts.v1.Verifier"))
      << absl::StrJoin(*services, ", ");
  EXPECT_TRUE(services->count("grpc.health.v1.Health"))
      << absl::StrJoin(*services, ", ");

  const std::string metrics = HttpGet(server.metrics_port, "/metrics");
  EXPECT_THAT(metrics, HasSubstr("arts_verifier_traces_scored_total"));
  EXPECT_THAT(metrics, HasSubstr("service=\"verifier\""));

  // Let go of the connection first (see generator_binary_test).
  client.reset();
  server.channel.reset();
  server.StopWithSigterm();
}

TEST(VerifierBinaryServingTest, ExactServesScoreWithoutACheckpoint) {
  TempDir dir(kTempPrefix);
  ServingServer server;
  ASSERT_NO_FATAL_FAILURE(
      server.Start(kBinary, {"--model=exact"}, dir.File("stderr.txt")));
  EXPECT_THAT(server.process->Log(), HasSubstr("serving exact on port"));

  auto client = std::make_unique<backends::VerifierClient>(server.channel);
  arts::v1::ScoreRequest request;
  request.set_per_step(true);
  arts::v1::Trace* live = request.add_traces();
  live->set_problem("1 5 5 5 -> 24");
  live->add_steps("1 / 5 = 1/5 (left: 1/5 5 5)");
  arts::v1::Trace* dead = request.add_traces();
  dead->set_problem("1 5 5 5 -> 24");
  dead->add_steps("1 + 5 = 6 (left: 5 5 6)");
  absl::StatusOr<arts::v1::ScoreResponse> response =
      client->Score(request, absl::Seconds(20), /*wait_for_ready=*/true);
  ASSERT_TRUE(response.ok()) << response.status();
  ASSERT_EQ(response->scores_size(), 2);
  EXPECT_EQ(response->scores(0).log_flow(), 0);
  EXPECT_THAT(response->scores(1).step_log_flows(),
              ::testing::ElementsAre(0, -20));
  EXPECT_EQ(response->scores(1).log_flow(), -20);

  // Bad input is named as the model verifier names it; so is another task.
  request.mutable_traces(1)->set_problem("1 5 x -> 24");
  absl::StatusOr<arts::v1::ScoreResponse> bad =
      client->Score(request, absl::Seconds(20));
  EXPECT_EQ(bad.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(std::string(bad.status().message()),
              HasSubstr("traces[1].problem:"));
  request.set_task("text");
  bad = client->Score(request, absl::Seconds(20));
  EXPECT_EQ(bad.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(std::string(bad.status().message()), HasSubstr("task:"));

  absl::StatusOr<arts::v1::ModelInfo> info =
      client->GetModelInfo(absl::Seconds(10));
  ASSERT_TRUE(info.ok()) << info.status();
  EXPECT_EQ(info->kind(), "verifier");
  EXPECT_EQ(info->path(), "exact");
  EXPECT_EQ(info->num_parameters(), 0);
  EXPECT_EQ(info->metadata().at("verifier"), "exact");
  EXPECT_EQ(info->metadata().at("task"), "countdown");

  // Health (Start waited for SERVING), reflection and metrics as ever.
  absl::StatusOr<std::set<std::string>> services = ListServices(server.channel);
  ASSERT_TRUE(services.ok()) << services.status();
  EXPECT_TRUE(services->count("arts.v1.Verifier"));
  const std::string metrics = HttpGet(server.metrics_port, "/metrics");
  EXPECT_EQ(testing_support::MetricValue(
                metrics, "arts_verifier_traces_scored_total", {}),
            2);
  EXPECT_THAT(metrics, HasSubstr("method=\"Score\""));

  client.reset();
  server.channel.reset();
  server.StopWithSigterm();
}

}  // namespace
}  // namespace arts
