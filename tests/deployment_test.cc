// The three binaries deployed the way docs/deploy.md describes, as
// processes on loopback: mTLS between the orchestrator and its backends,
// TLS and bearer tokens in front of the orchestrator, the `arts` CLI as the
// user; and an orchestrator spread over two generator replicas, one of them
// killed under load.

#include <signal.h>

#include <atomic>
#include <iostream>
#include <memory>
#include <set>
#include <string>
#include <thread>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/synchronization/mutex.h"
#include "absl/time/clock.h"
#include "absl/time/time.h"
#include "client/orchestrator_client.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "tests/server_process.h"
#include "tests/test_certificates.h"
#include "tests/test_support.h"
#include "tests/tiny_models.h"

namespace arts {
namespace {

using ::arts::testing_support::Health;
using ::arts::testing_support::ListServices;
using ::arts::testing_support::MakeTestCertificates;
using ::arts::testing_support::MetricValue;
using ::arts::testing_support::RunResult;
using ::arts::testing_support::RunToExit;
using ::arts::testing_support::SaveTinyVerifier;
using ::arts::testing_support::Scrape;
using ::arts::testing_support::ServingServer;
using ::arts::testing_support::TempDir;
using ::arts::testing_support::TestCertificates;
using ::arts::testing_support::WriteFile;
using ::grpc::health::v1::HealthCheckResponse;
using ::testing::HasSubstr;
using ::testing::Not;

constexpr char kBundledGenerator[] = ARTS_MODELS_DIR "/generator.ckpt";
constexpr char kProblem[] = "4 9 10 13 -> 24";

arts::v1::SolveRequest BeamRequest(uint64_t seed) {
  arts::v1::SolveRequest request;
  request.set_problem(kProblem);
  request.set_strategy(arts::v1::BEAM);
  request.set_constrained(true);
  request.set_seed(seed);
  return request;
}

class SecureDeploymentTest : public ::testing::Test {
 protected:
  void SetUp() override {
    absl::StatusOr<TestCertificates> certs = MakeTestCertificates(dir_);
    ASSERT_TRUE(certs.ok()) << certs.status();
    certs_ = *certs;
    verifier_model_ = dir_.File("verifier.ckpt");
    SaveTinyVerifier(verifier_model_, /*seed=*/9);
    // Backends: TLS with client certificates from the CA required, and a
    // plaintext health port for probes.
    const std::vector<std::string> mtls = {
        "--tls_cert=" + certs_.server_cert, "--tls_key=" + certs_.server_key,
        "--tls_client_ca=" + certs_.ca, "--health_listen=127.0.0.1:0"};
    for (ServingServer* backend : {&generator_, &verifier_}) {
      backend->security.ca_file = certs_.ca;
      backend->security.cert_file = certs_.client_cert;
      backend->security.key_file = certs_.client_key;
    }
    ASSERT_NO_FATAL_FAILURE(generator_.Start(
        ARTS_GENERATOR_BINARY,
        testing_support::With({std::string("--model=") + kBundledGenerator},
                              mtls),
        dir_.File("generator.txt")));
    ASSERT_NO_FATAL_FAILURE(verifier_.Start(
        ARTS_VERIFIER_BINARY,
        testing_support::With({"--model=" + verifier_model_}, mtls),
        dir_.File("verifier.txt")));
    WriteFile(dir_.File("tokens"), "# who may solve\nsecret-1\n");
    WriteFile(dir_.File("token"), "secret-1\n");
    WriteFile(dir_.File("wrong_token"), "secret-2\n");
  }

  // The orchestrator with TLS and tokens, showing `client_cert` to the
  // backends.
  void StartOrchestrator(const std::string& client_cert,
                         const std::string& client_key) {
    orchestrator_.security.ca_file = certs_.ca;
    ASSERT_NO_FATAL_FAILURE(orchestrator_.Start(
        ARTS_ORCHESTRATOR_BINARY,
        {"--generator=" + generator_.target, "--verifier=" + verifier_.target,
         "--backend_tls_ca=" + certs_.ca, "--backend_tls_cert=" + client_cert,
         "--backend_tls_key=" + client_key, "--backend_wait=2s",
         "--tls_cert=" + certs_.server_cert, "--tls_key=" + certs_.server_key,
         "--auth_tokens_file=" + dir_.File("tokens")},
        dir_.File("orchestrator.txt")));
  }

  RunResult CliSolve(const std::vector<std::string>& more) {
    return RunToExit(ARTS_CLI_BINARY,
                     testing_support::With(
                         {"solve", "--orchestrator=" + orchestrator_.target,
                          std::string("--problem=") + kProblem,
                          "--strategy=beam", "--constrained", "--timeout=20s"},
                         more),
                     dir_.File("cli.txt"), absl::Seconds(30));
  }

  TempDir dir_{"deployment_test"};
  TestCertificates certs_;
  std::string verifier_model_;
  ServingServer generator_, verifier_, orchestrator_;
};

TEST_F(SecureDeploymentTest, TheCliSolvesOverTlsWithAToken) {
  ASSERT_NO_FATAL_FAILURE(
      StartOrchestrator(certs_.client_cert, certs_.client_key));

  RunResult solved =
      CliSolve({"--tls_ca=" + certs_.ca, "--token_file=" + dir_.File("token")});
  EXPECT_EQ(solved.exit_code, 0) << solved.log;
  // The tiny verifier's scores are arbitrary: any verified answer will do.
  EXPECT_THAT(solved.log, HasSubstr("  answer "));
  EXPECT_THAT(solved.log, Not(HasSubstr("UNVERIFIED")));

  RunResult no_token = CliSolve({"--tls_ca=" + certs_.ca});
  EXPECT_NE(no_token.exit_code, 0);
  EXPECT_THAT(no_token.log, HasSubstr("UNAUTHENTICATED"));
  RunResult wrong_token = CliSolve(
      {"--tls_ca=" + certs_.ca, "--token_file=" + dir_.File("wrong_token")});
  EXPECT_NE(wrong_token.exit_code, 0);
  EXPECT_THAT(wrong_token.log, HasSubstr("PERMISSION_DENIED"));
  RunResult plaintext =
      CliSolve({"--token_file=" + dir_.File("token"), "--timeout=3s"});
  EXPECT_NE(plaintext.exit_code, 0);
  EXPECT_THAT(plaintext.log, HasSubstr("UNAVAILABLE"));

  // Reflection and health stay open to callers without a token.
  absl::StatusOr<std::set<std::string>> services =
      ListServices(orchestrator_.channel);
  ASSERT_TRUE(services.ok()) << services.status();
  EXPECT_TRUE(services->count("arts.v1.Orchestrator"));
  EXPECT_EQ(
      Health(orchestrator_.channel, absl::Seconds(5), "arts.v1.Orchestrator"),
      HealthCheckResponse::SERVING);

  // A backend's plaintext health port answers probes by service name.
  ASSERT_GT(generator_.health_port, 0) << generator_.process->Log();
  auto probe = backends::InsecureChannel(
      absl::StrCat("127.0.0.1:", generator_.health_port));
  EXPECT_EQ(Health(probe, absl::Seconds(5), "arts.v1.Generator"),
            HealthCheckResponse::SERVING);
  EXPECT_THAT(generator_.process->Log(), HasSubstr("(mTLS)"));

  orchestrator_.channel.reset();
  orchestrator_.StopWithSigterm();
  verifier_.channel.reset();
  verifier_.StopWithSigterm();
  generator_.channel.reset();
  generator_.StopWithSigterm();
}

TEST_F(SecureDeploymentTest, BackendsRefuseAClientCertificateFromAnotherCa) {
  ASSERT_NO_FATAL_FAILURE(
      StartOrchestrator(certs_.other_client_cert, certs_.other_client_key));
  EXPECT_THAT(orchestrator_.process->Log(), HasSubstr("is not serving"));
  client::OrchestratorClient client(orchestrator_.channel, "secret-1");
  absl::Status status =
      client.Solve(BeamRequest(1), absl::Seconds(10)).status();
  EXPECT_EQ(status.code(), absl::StatusCode::kUnavailable) << status;
}

TEST(ReplicaTest, KillingOneOfTwoGeneratorsUnderLoadFailsNoCall) {
  TempDir dir("deployment_test");
  const std::string verifier_model = dir.File("verifier.ckpt");
  SaveTinyVerifier(verifier_model, /*seed=*/9);
  ServingServer generators[2], verifier, orchestrator;
  for (int i = 0; i < 2; ++i) {
    ASSERT_NO_FATAL_FAILURE(generators[i].Start(
        ARTS_GENERATOR_BINARY, {std::string("--model=") + kBundledGenerator},
        dir.File(absl::StrCat("generator", i, ".txt"))));
  }
  ASSERT_NO_FATAL_FAILURE(verifier.Start(ARTS_VERIFIER_BINARY,
                                         {"--model=" + verifier_model},
                                         dir.File("verifier.txt")));
  // A fixed list of replicas; a DNS name with several addresses
  // (dns:///name:port) takes the same path through round_robin.
  ASSERT_NO_FATAL_FAILURE(orchestrator.Start(
      ARTS_ORCHESTRATOR_BINARY,
      {absl::StrCat("--generator=ipv4:", generators[0].target, ",",
                    generators[1].target),
       "--verifier=" + verifier.target},
      dir.File("orchestrator.txt")));

  // Eight clients solve without pause for the whole test.
  std::atomic<bool> stop{false};
  std::atomic<int> ok{0};
  std::atomic<int> failed{0};
  std::vector<std::string> errors;
  absl::Mutex errors_mu;
  std::vector<std::thread> clients;
  for (int c = 0; c < 8; ++c) {
    clients.emplace_back([&, c] {
      client::OrchestratorClient client(orchestrator.channel);
      for (uint64_t seed = 1000 * c; !stop.load(); ++seed) {
        absl::Status status =
            client.Solve(BeamRequest(seed), absl::Seconds(30)).status();
        if (status.ok()) {
          ++ok;
        } else {
          ++failed;
          absl::MutexLock lock(&errors_mu);
          errors.push_back(status.ToString());
        }
      }
    });
  }
  auto propose_calls = [](const ServingServer& server) {
    return MetricValue(Scrape(server.metrics_port), "arts_rpc_requests_total",
                       {{"method", "Propose"}});
  };
  // Both replicas take calls before the kill.
  EXPECT_TRUE(testing_support::Eventually(
      [&] {
        return propose_calls(generators[0]) > 20 &&
               propose_calls(generators[1]) > 20;
      },
      absl::Seconds(20)));
  const int ok_before = ok.load();
  ASSERT_EQ(kill(generators[0].process->pid(), SIGKILL), 0);
  generators[0].process->WaitForExit(absl::Seconds(5));
  absl::SleepFor(absl::Seconds(3));
  stop = true;
  for (std::thread& t : clients) t.join();

  const int ok_after = ok.load() - ok_before;
  std::cout << "replica kill: " << ok_before << " solves OK before, "
            << ok_after << " OK after the kill, " << failed.load()
            << " failed\n";
  EXPECT_EQ(failed.load(), 0) << (errors.empty() ? "" : errors.front());
  EXPECT_GT(ok_after, 0) << "nothing solved after the kill";

  orchestrator.channel.reset();
  orchestrator.StopWithSigterm();
  verifier.channel.reset();
  verifier.StopWithSigterm();
  generators[1].channel.reset();
  generators[1].StopWithSigterm();
}

}  // namespace
}  // namespace arts
