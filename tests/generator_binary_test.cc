// Process-level tests of the arts-generator binary: it is started with
// posix_spawn, its stderr goes to a temporary file, and it is talked to only
// over loopback, the way an operator or a load balancer would (helpers in
// tests/server_process.h).

#include <signal.h>
#include <sys/wait.h>

#include <cstdlib>
#include <memory>
#include <optional>
#include <set>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/time/clock.h"
#include "absl/time/time.h"
#include "arts/v1/generator.grpc.pb.h"
#include "backends/grpc/generator_client.h"
#include "core/countdown/checker.h"
#include "core/countdown/problem.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "tests/server_process.h"
#include "tests/test_support.h"
#include "tests/tiny_models.h"

namespace arts {
namespace {

using ::arts::testing_support::HttpGet;
using ::arts::testing_support::ListServices;
using ::arts::testing_support::ReadFile;
using ::arts::testing_support::RunResult;
using ::arts::testing_support::RunToExit;
using ::arts::testing_support::RunWithBadModel;
using ::arts::testing_support::SaveTinyGenerator;
using ::arts::testing_support::ServingServer;
using ::arts::testing_support::TempDir;
using ::arts::testing_support::With;
using ::arts::testing_support::WriteFile;
using ::arts::testing_support::WriteGarbage;
using ::testing::HasSubstr;
using ::testing::Not;

constexpr char kBinary[] = ARTS_GENERATOR_BINARY;
constexpr char kTempPrefix[] = "generator_binary_test";

// The tiny random generator checkpoint these tests serve.
void SaveTinyModel(const std::string& path) {
  SaveTinyGenerator(path, /*seed=*/17, {{"note", "binary"}});
}

// --- Startup failures --------------------------------------------------------

TEST(GeneratorBinaryTest, CorruptModelFailsFastAndSaysWhy) {
  TempDir dir(kTempPrefix);
  const std::string path = dir.File("corrupt.ckpt");
  WriteGarbage(path);

  RunResult run = RunWithBadModel(kBinary, dir, path);
  EXPECT_LT(run.elapsed, absl::Seconds(10));
  EXPECT_THAT(run.log, HasSubstr("not an ARTS checkpoint"));
  EXPECT_THAT(run.log, Not(HasSubstr("serving")));
}

TEST(GeneratorBinaryTest, DamagedModelNamesTheChecksum) {
  TempDir dir(kTempPrefix);
  const std::string good = dir.File("good.ckpt");
  SaveTinyModel(good);
  std::string bytes = ReadFile(good);
  ASSERT_GT(bytes.size(), 1000u);
  bytes[bytes.size() / 2] ^= 0x5a;  // a flipped byte in the tensors
  const std::string path = dir.File("damaged.ckpt");
  WriteFile(path, bytes);

  RunResult run = RunWithBadModel(kBinary, dir, path);
  EXPECT_THAT(run.log, HasSubstr("checksum"));
}

TEST(GeneratorBinaryTest, MissingModelNamesThePath) {
  TempDir dir(kTempPrefix);
  RunResult run = RunWithBadModel(kBinary, dir, dir.File("no-such-model.ckpt"));
  EXPECT_LT(run.elapsed, absl::Seconds(10));
}

TEST(GeneratorBinaryTest, BadFlagValuesAreNamed) {
  TempDir dir(kTempPrefix);
  const std::string model = dir.File("model.ckpt");
  SaveTinyModel(model);
  struct Case {
    std::vector<std::string> flags;
    std::string named;  // the message must contain this
  };
  const std::vector<Case> cases = {
      {{"--listen=127.0.0.1:0", "--metrics_listen=127.0.0.1:0", "--threads=0"},
       "--threads"},
      {{"--listen=127.0.0.1:0", "--metrics_listen=127.0.0.1:0",
        "--threads=1000"},
       "--threads"},
      {{"--listen=not-an-address", "--metrics_listen=127.0.0.1:0"}, "--listen"},
      {{"--listen=127.0.0.1:0", "--metrics_listen=not-an-address"},
       "--metrics_listen"},
      {{"--listen=127.0.0.1:0", "--metrics_listen=127.0.0.1:0",
        "--max_queue=0"},
       "--max_queue"},
      {{"--listen=127.0.0.1:0", "--metrics_listen=127.0.0.1:0",
        "--max_rows_per_step=8"},
       "--max_rows_per_step"},
      // absl rejects unparsable values and unknown flags by name.
      {{"--listen=127.0.0.1:0", "--metrics_listen=127.0.0.1:0",
        "--threads=two"},
       "threads"},
      {{"--listen=127.0.0.1:0", "--metrics_listen=127.0.0.1:0",
        "--no_such_flag=1"},
       "no_such_flag"},
  };
  for (const Case& c : cases) {
    SCOPED_TRACE(absl::StrJoin(c.flags, " "));
    RunResult run = RunToExit(kBinary, With(c.flags, {"--model=" + model}),
                              dir.File("stderr.txt"));
    EXPECT_NE(run.exit_code, 0) << run.log;
    EXPECT_NE(run.exit_code, -1) << run.log;
    EXPECT_THAT(run.log, HasSubstr(c.named));
    EXPECT_THAT(run.log, Not(HasSubstr("serving")));
  }
}

// --- A serving process -------------------------------------------------------

// Propose calls in flight according to the server's /metrics.
int ProposeInFlight(int metrics_port) {
  std::istringstream lines(HttpGet(metrics_port, "/metrics"));
  std::string line;
  while (std::getline(lines, line)) {
    if (absl::StartsWith(line, "arts_rpc_in_flight{") &&
        absl::StrContains(line, "method=\"Propose\"")) {
      return std::atoi(line.substr(line.rfind(' ') + 1).c_str());
    }
  }
  return 0;
}

arts::v1::ProposeRequest ConstrainedRequest(const std::string& problem,
                                            int num_candidates) {
  arts::v1::ProposeRequest request;
  request.set_problem(problem);
  request.set_num_candidates(num_candidates);
  request.set_max_steps(0);
  request.mutable_sampling()->set_seed(3);
  request.mutable_sampling()->set_constrained(true);
  return request;
}

// Starts arts-generator on a tiny model and waits until it is SERVING.
class ServingBinaryTest : public ::testing::Test {
 protected:
  void SetUp() override {
    model_ = dir_.File("model.ckpt");
    SaveTinyModel(model_);
    ASSERT_NO_FATAL_FAILURE(
        server_.Start(kBinary, {"--model=" + model_}, dir_.File("stderr.txt")));
  }

  TempDir dir_{kTempPrefix};
  std::string model_;
  ServingServer server_;
};

TEST_F(ServingBinaryTest, ServesThenExitsCleanlyOnSigterm) {
  auto client = std::make_unique<backends::GeneratorClient>(server_.channel);
  arts::v1::ProposeRequest request = ConstrainedRequest("4 9 10 13 -> 24", 4);
  std::vector<arts::v1::Candidate> candidates;
  absl::Status proposed = client->Propose(
      request, [&](const arts::v1::Candidate& c) { candidates.push_back(c); },
      absl::Seconds(20), /*wait_for_ready=*/true);
  ASSERT_TRUE(proposed.ok()) << proposed;
  ASSERT_EQ(candidates.size(), 4u);
  absl::StatusOr<countdown::Problem> problem =
      countdown::ParseProblem(request.problem());
  ASSERT_TRUE(problem.ok());
  for (const arts::v1::Candidate& c : candidates) {
    EXPECT_TRUE(c.valid()) << c.ShortDebugString();
    EXPECT_TRUE(c.terminal()) << c.ShortDebugString();
    countdown::TraceVerdict verdict = countdown::CheckTrace(
        *problem, std::vector<std::string>(c.steps().begin(), c.steps().end()));
    EXPECT_TRUE(verdict.valid && verdict.terminal) << c.ShortDebugString();
  }

  absl::StatusOr<arts::v1::ModelInfo> info =
      client->GetModelInfo(absl::Seconds(10));
  ASSERT_TRUE(info.ok()) << info.status();
  EXPECT_EQ(info->kind(), "generator");
  EXPECT_EQ(info->path(), model_);

  // Reflection lists the services, as grpcurl would see them.
  absl::StatusOr<std::set<std::string>> services =
      ListServices(server_.channel);
  ASSERT_TRUE(services.ok()) << services.status();
  EXPECT_TRUE(services->count("arts.v1.Generator"))
      << absl::StrJoin(*services, ", ");
  EXPECT_TRUE(services->count("grpc.health.v1.Health"))
      << absl::StrJoin(*services, ", ");

  // The metrics endpoint serves too.
  EXPECT_THAT(HttpGet(server_.metrics_port, "/metrics"),
              HasSubstr("arts_rpc_requests_total{"));

  // Let go of the connection first: an idle channel in this process is not
  // polled, so the server's graceful GOAWAY would wait for gRPC's backup
  // poller (seconds) before the connection closes.
  client.reset();
  server_.channel.reset();
  server_.StopWithSigterm();
}

TEST_F(ServingBinaryTest, SigtermDrainsAnInFlightCall) {
  // A slow call (many candidates, long traces) that the server is serving
  // when SIGTERM comes must still finish, whole and OK.
  const arts::v1::ProposeRequest request =
      ConstrainedRequest("1 2 3 4 5 6 -> 24", 64);
  bool signalled = false;
  const absl::Time give_up = absl::Now() + absl::Seconds(10);
  while (!signalled && absl::Now() < give_up) {
    absl::Status status = absl::UnknownError("not finished");
    int received = 0;
    std::thread call([&] {
      backends::GeneratorClient client(server_.channel);
      status = client.Propose(
          request, [&](const arts::v1::Candidate&) { ++received; },
          absl::Seconds(30));
    });
    // Signal only once the server has the call (per its metrics); if the call
    // finished before that was seen, try again.
    const absl::Time until = absl::Now() + absl::Seconds(5);
    while (absl::Now() < until && ProposeInFlight(server_.metrics_port) == 0) {
      absl::SleepFor(absl::Milliseconds(2));
    }
    if (ProposeInFlight(server_.metrics_port) > 0) {
      ASSERT_EQ(kill(server_.process->pid(), SIGTERM), 0);
      signalled = true;
    }
    call.join();
    EXPECT_TRUE(status.ok()) << status;
    EXPECT_EQ(received, request.num_candidates());
  }
  ASSERT_TRUE(signalled) << "never caught the call in flight";
  std::optional<int> status = server_.process->WaitForExit(absl::Seconds(15));
  ASSERT_TRUE(status.has_value()) << "no exit 15 s after SIGTERM:\n"
                                  << server_.process->Log();
  EXPECT_TRUE(WIFEXITED(*status)) << server_.process->Log();
  EXPECT_EQ(WEXITSTATUS(*status), 0) << server_.process->Log();
  EXPECT_THAT(server_.process->Log(), HasSubstr("SIGTERM, draining"));
}

}  // namespace
}  // namespace arts
