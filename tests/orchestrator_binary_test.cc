// The arts-orchestrator binary as a process: flag and model errors, and the
// main job's shape: arts-generator, arts-verifier and arts-orchestrator as
// three processes on loopback, a Solve through them, reflection, metrics,
// and a clean drain on SIGTERM. Also the one-process --in_process mode.

#include <memory>
#include <set>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/time/time.h"
#include "client/orchestrator_client.h"
#include "core/countdown/checker.h"
#include "core/countdown/problem.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "tests/server_process.h"
#include "tests/test_support.h"

namespace arts {
namespace {

using ::arts::testing_support::HttpGet;
using ::arts::testing_support::ListServices;
using ::arts::testing_support::RunResult;
using ::arts::testing_support::RunToExit;
using ::arts::testing_support::SaveTinyVerifier;
using ::arts::testing_support::ServingServer;
using ::arts::testing_support::TempDir;
using ::arts::testing_support::With;
using ::testing::HasSubstr;
using ::testing::Not;

constexpr char kBinary[] = ARTS_ORCHESTRATOR_BINARY;
constexpr char kTempPrefix[] = "orchestrator_binary_test";
constexpr char kBundledGenerator[] = ARTS_MODELS_DIR "/generator.ckpt";
constexpr char kProblem[] = "4 9 10 13 -> 24";

// Solves kProblem with beam search and checks the answers with the checker.
void ExpectSolves(const std::shared_ptr<grpc::Channel>& channel) {
  client::OrchestratorClient client(channel);
  arts::v1::SolveRequest request;
  request.set_problem(kProblem);
  request.set_strategy(arts::v1::BEAM);
  request.set_top_n(2);
  request.set_constrained(true);
  absl::StatusOr<arts::v1::SolveResponse> response =
      client.Solve(request, absl::Seconds(30), /*wait_for_ready=*/true);
  ASSERT_TRUE(response.ok()) << response.status();
  ASSERT_GE(response->answers_size(), 1);
  const countdown::Problem problem = *countdown::ParseProblem(kProblem);
  for (const arts::v1::Answer& answer : response->answers()) {
    EXPECT_TRUE(countdown::CheckTrace(
                    problem, {answer.steps().begin(), answer.steps().end()})
                    .terminal);
  }
  EXPECT_GT(response->cost().tokens_generated(), 0);
  EXPECT_GT(response->cost().verifier_calls(), 0);
}

TEST(OrchestratorBinaryTest, BadFlagValuesAreNamed) {
  TempDir dir(kTempPrefix);
  const std::vector<std::pair<std::string, std::string>> cases = {
      {"--threads=0", "--threads"},
      {"--max_concurrent_requests=2000", "--max_concurrent_requests"},
      {"--listen=not-an-address", "--listen"},
  };
  for (const auto& [flag, named] : cases) {
    SCOPED_TRACE(flag);
    RunResult run = RunToExit(
        kBinary, {"--listen=127.0.0.1:0", "--metrics_listen=127.0.0.1:0", flag},
        dir.File("stderr.txt"));
    EXPECT_EQ(run.exit_code, 2) << run.log;
    EXPECT_THAT(run.log, HasSubstr(named));
    EXPECT_THAT(run.log, Not(HasSubstr("serving")));
  }
}

TEST(OrchestratorBinaryTest, InProcessModelErrorsNameTheFlagAndPath) {
  TempDir dir(kTempPrefix);
  const std::string missing = dir.File("no-such-verifier.ckpt");
  RunResult run =
      RunToExit(kBinary,
                {"--listen=127.0.0.1:0", "--metrics_listen=", "--in_process",
                 std::string("--generator_model=") + kBundledGenerator,
                 "--verifier_model=" + missing},
                dir.File("stderr.txt"));
  EXPECT_EQ(run.exit_code, 1) << run.log;
  EXPECT_THAT(run.log, HasSubstr("--verifier_model"));
  EXPECT_THAT(run.log, HasSubstr(missing));
  EXPECT_THAT(run.log, Not(HasSubstr("serving")));
}

TEST(OrchestratorBinaryServingTest, ThreeProcessesSolveThenDrain) {
  TempDir dir(kTempPrefix);
  const std::string verifier_model = dir.File("verifier.ckpt");
  SaveTinyVerifier(verifier_model, /*seed=*/9);
  ServingServer generator, verifier, orchestrator;
  ASSERT_NO_FATAL_FAILURE(generator.Start(
      ARTS_GENERATOR_BINARY, {std::string("--model=") + kBundledGenerator},
      dir.File("generator.txt")));
  ASSERT_NO_FATAL_FAILURE(verifier.Start(ARTS_VERIFIER_BINARY,
                                         {"--model=" + verifier_model},
                                         dir.File("verifier.txt")));
  ASSERT_NO_FATAL_FAILURE(orchestrator.Start(
      kBinary,
      {"--generator=" + generator.target, "--verifier=" + verifier.target},
      dir.File("orchestrator.txt")));
  ASSERT_NO_FATAL_FAILURE(ExpectSolves(orchestrator.channel));
  EXPECT_THAT(orchestrator.process->Log(),
              HasSubstr("searches over generator " + generator.target));

  absl::StatusOr<std::set<std::string>> services =
      ListServices(orchestrator.channel);
  ASSERT_TRUE(services.ok()) << services.status();
  EXPECT_TRUE(services->count("arts.v1.Orchestrator"))
      << absl::StrJoin(*services, ", ");
  const std::string metrics = HttpGet(orchestrator.metrics_port, "/metrics");
  EXPECT_THAT(metrics, HasSubstr("arts_orchestrator_solve_seconds_count"));
  EXPECT_THAT(metrics, HasSubstr("strategy=\"beam\""));

  orchestrator.channel.reset();
  orchestrator.StopWithSigterm();
  verifier.channel.reset();
  verifier.StopWithSigterm();
  generator.channel.reset();
  generator.StopWithSigterm();
}

TEST(OrchestratorBinaryServingTest, InProcessModeSolvesAlone) {
  TempDir dir(kTempPrefix);
  const std::string verifier_model = dir.File("verifier.ckpt");
  SaveTinyVerifier(verifier_model, /*seed=*/9);
  ServingServer orchestrator;
  ASSERT_NO_FATAL_FAILURE(orchestrator.Start(
      kBinary,
      {"--in_process", std::string("--generator_model=") + kBundledGenerator,
       "--verifier_model=" + verifier_model},
      dir.File("orchestrator.txt")));
  ASSERT_NO_FATAL_FAILURE(ExpectSolves(orchestrator.channel));
  orchestrator.channel.reset();
  orchestrator.StopWithSigterm();
}

}  // namespace
}  // namespace arts
