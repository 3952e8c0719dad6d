// `arts loadtest` as a user runs it: the three server binaries on loopback
// with the bundled models, and short loads of Solve, Propose and Score whose
// JSON reports are read back. Also the load runner's arithmetic.

#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "client/load_runner.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "tests/server_process.h"
#include "tests/test_support.h"

namespace arts {
namespace {

using ::arts::testing_support::ReadFile;
using ::arts::testing_support::RunResult;
using ::arts::testing_support::RunToExit;
using ::arts::testing_support::ServingServer;
using ::arts::testing_support::TempDir;
using ::testing::HasSubstr;

constexpr char kModels[] = ARTS_MODELS_DIR;

TEST(LoadRunnerTest, QuantilesByNearestRank) {
  EXPECT_EQ(client::Quantile({}, 0.5), 0);
  EXPECT_EQ(client::Quantile({3, 1, 2}, 0.5), 2);
  EXPECT_EQ(client::Quantile({1, 2, 3, 4}, 0.5), 2);
  std::vector<double> hundred;
  for (int i = 1; i <= 100; ++i) hundred.push_back(i);
  EXPECT_EQ(client::Quantile(hundred, 0.99), 99);
  EXPECT_EQ(client::Quantile(hundred, 0.9), 90);
  EXPECT_EQ(client::Quantile(hundred, 1.0), 100);
}

TEST(LoadRunnerTest, CountsEveryRequestAndItsCode) {
  client::LoadLevel level;
  level.concurrency = 3;
  level.max_requests = 30;
  level.duration = absl::Seconds(30);
  const client::LoadResult result = client::RunLoad(level, [](int64_t i) {
    return i % 3 == 0 ? absl::ResourceExhaustedError("full") : absl::OkStatus();
  });
  EXPECT_EQ(result.requests, 30);
  EXPECT_EQ(result.ok, 20);
  EXPECT_EQ(result.codes.at("RESOURCE_EXHAUSTED"), 10);
  EXPECT_EQ(result.codes.at("OK"), 20);
  EXPECT_GT(result.ok_per_second, 0);
  EXPECT_THAT(client::LoadJson("solve", {result}),
              HasSubstr("\"RESOURCE_EXHAUSTED\": 10"));
}

class LoadtestBinaryTest : public ::testing::Test {
 protected:
  void SetUp() override {
    ASSERT_NO_FATAL_FAILURE(
        generator_.Start(ARTS_GENERATOR_BINARY,
                         {absl::StrCat("--model=", kModels, "/generator.ckpt")},
                         dir_.File("generator.txt")));
    ASSERT_NO_FATAL_FAILURE(verifier_.Start(
        ARTS_VERIFIER_BINARY,
        {absl::StrCat("--model=", kModels, "/verifier_flow.ckpt")},
        dir_.File("verifier.txt")));
    ASSERT_NO_FATAL_FAILURE(orchestrator_.Start(
        ARTS_ORCHESTRATOR_BINARY,
        {"--generator=" + generator_.target, "--verifier=" + verifier_.target},
        dir_.File("orchestrator.txt")));
  }

  // Runs `arts loadtest` with `flags`; returns its JSON report.
  std::string Loadtest(const std::vector<std::string>& flags) {
    const std::string json = dir_.File("report.json");
    std::vector<std::string> all = {
        "loadtest",     "--split=test",   "--limit=8",     "--concurrency=1,4",
        "--requests=8", "--duration=60s", "--json=" + json};
    all.insert(all.end(), flags.begin(), flags.end());
    RunResult run = RunToExit(ARTS_CLI_BINARY, all, dir_.File("arts.txt"),
                              absl::Seconds(120));
    EXPECT_EQ(run.exit_code, 0) << run.log;
    EXPECT_THAT(run.log, HasSubstr("concurrency"));
    return ReadFile(json);
  }

  TempDir dir_{"loadtest_test"};
  ServingServer generator_, verifier_, orchestrator_;
};

TEST_F(LoadtestBinaryTest, EveryTargetReportsItsLevels) {
  for (const auto& [target, address] :
       std::vector<std::pair<std::string, std::string>>{
           {"solve", orchestrator_.target},
           {"propose", generator_.target},
           {"score", verifier_.target}}) {
    SCOPED_TRACE(target);
    const std::string json =
        Loadtest({"--target=" + target, "--address=" + address,
                  "--strategy=beam", "--constrained"});
    EXPECT_THAT(json, HasSubstr("\"target\": \"" + target + "\""));
    EXPECT_THAT(json, HasSubstr("\"concurrency\": 1,"));
    EXPECT_THAT(json, HasSubstr("\"concurrency\": 4,"));
    // Eight requests a level, all served.
    EXPECT_THAT(json, HasSubstr("\"requests\": 8, \"ok\": 8"));
    EXPECT_THAT(json, HasSubstr("\"codes\": {\"OK\": 8}"));
  }
}

TEST(LoadtestFlagsTest, BadValuesAreNamed) {
  TempDir dir("loadtest_test");
  for (const auto& [flag, named] :
       std::vector<std::pair<std::string, std::string>>{
           {"--target=chess", "--target"},
           {"--concurrency=1,0", "--concurrency"},
           {"--split=nope", "--split"}}) {
    RunResult run =
        RunToExit(ARTS_CLI_BINARY, {"loadtest", flag}, dir.File("arts.txt"));
    EXPECT_EQ(run.exit_code, 2) << flag << ": " << run.log;
    EXPECT_THAT(run.log, HasSubstr(named)) << flag;
  }
}

}  // namespace
}  // namespace arts
