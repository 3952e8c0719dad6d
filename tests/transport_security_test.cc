// TLS, mTLS and bearer-token auth on a real server on loopback, with
// certificates made by openssl for this run: who gets in, who does not, and
// what each refusal says. Also the plaintext health port, health by service
// name, and errors for bad security settings.

#include <memory>
#include <string>

#include "absl/strings/str_cat.h"
#include "absl/time/time.h"
#include "backends/grpc/channel.h"
#include "client/orchestrator_client.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "server/bearer_auth.h"
#include "server/orchestrator_service.h"
#include "server/rpc_metrics.h"
#include "server/server_runner.h"
#include "tests/grpc_support.h"
#include "tests/test_certificates.h"
#include "tests/test_support.h"

namespace arts::server {
namespace {

using ::arts::testing_support::Health;
using ::arts::testing_support::MakeTestCertificates;
using ::arts::testing_support::TempDir;
using ::arts::testing_support::TestCertificates;
using ::arts::testing_support::WriteFile;
using ::grpc::health::v1::HealthCheckResponse;
using ::testing::HasSubstr;

constexpr char kOrchestrator[] = "arts.v1.Orchestrator";

class TransportSecurityTest : public ::testing::Test {
 protected:
  void SetUp() override {
    absl::StatusOr<TestCertificates> certs = MakeTestCertificates(dir_);
    ASSERT_TRUE(certs.ok()) << certs.status();
    certs_ = *certs;
  }

  // Starts an orchestrator (no backends: an admitted Solve gets UNAVAILABLE
  // "starting") secured as `options` says, reporting SERVING.
  void StartServer(ServerOptions options,
                   std::unique_ptr<BearerAuth> auth = nullptr) {
    options.health_services = {kOrchestrator};
    service_ = std::make_unique<OrchestratorService>(
        metrics_, OrchestratorOptions{}, std::move(auth));
    auto runner = ServerRunner::Start("127.0.0.1:0", {service_.get()}, options);
    ASSERT_TRUE(runner.ok()) << runner.status();
    runner_ = *std::move(runner);
    runner_->SetServing(true);
  }

  void TearDown() override {
    if (runner_ != nullptr) runner_->Shutdown(absl::Seconds(1));
  }

  std::string Target() const {
    return absl::StrCat("127.0.0.1:", runner_->port());
  }

  std::shared_ptr<grpc::Channel> Channel(
      const backends::ChannelSecurity& security) {
    absl::StatusOr<std::shared_ptr<grpc::Channel>> channel =
        backends::ClientChannel(Target(), security);
    EXPECT_TRUE(channel.ok()) << channel.status();
    return channel.ok() ? *channel : nullptr;
  }

  backends::ChannelSecurity TrustingTheCa() const {
    backends::ChannelSecurity security;
    security.ca_file = certs_.ca;
    return security;
  }

  ServerOptions Tls() const {
    ServerOptions options;
    options.security.cert_file = certs_.server_cert;
    options.security.key_file = certs_.server_key;
    return options;
  }

  absl::StatusCode SolveCode(const std::shared_ptr<grpc::Channel>& channel,
                             const std::string& token = "",
                             std::string* message = nullptr) {
    client::OrchestratorClient client(channel, token);
    arts::v1::SolveRequest request;
    request.set_problem("4 9 10 13 -> 24");
    absl::Status status = client.Solve(request, absl::Seconds(5)).status();
    if (message != nullptr) *message = std::string(status.message());
    return status.code();
  }

  TempDir dir_{"transport_security_test"};
  TestCertificates certs_;
  RpcMetrics metrics_{"orchestrator"};
  std::unique_ptr<OrchestratorService> service_;
  std::unique_ptr<ServerRunner> runner_;
};

TEST_F(TransportSecurityTest, TlsServesClientsThatTrustItsCaOnly) {
  ASSERT_NO_FATAL_FAILURE(StartServer(Tls()));
  EXPECT_EQ(Health(Channel(TrustingTheCa()), absl::Seconds(5)),
            HealthCheckResponse::SERVING);
  EXPECT_EQ(Health(Channel({}), absl::Seconds(2)), std::nullopt)
      << "a plaintext client got an answer from a TLS port";
  backends::ChannelSecurity wrong_ca;
  wrong_ca.ca_file = certs_.other_ca;
  EXPECT_EQ(Health(Channel(wrong_ca), absl::Seconds(2)), std::nullopt)
      << "a client that does not trust the server's CA got an answer";
}

TEST_F(TransportSecurityTest, MtlsRefusesClientsWithoutACertificateFromItsCa) {
  ServerOptions options = Tls();
  options.security.client_ca_file = certs_.ca;
  ASSERT_NO_FATAL_FAILURE(StartServer(options));

  backends::ChannelSecurity with_cert = TrustingTheCa();
  with_cert.cert_file = certs_.client_cert;
  with_cert.key_file = certs_.client_key;
  EXPECT_EQ(Health(Channel(with_cert), absl::Seconds(5)),
            HealthCheckResponse::SERVING);

  EXPECT_EQ(Health(Channel(TrustingTheCa()), absl::Seconds(2)), std::nullopt)
      << "a client without a certificate got in";
  backends::ChannelSecurity other_ca_cert = TrustingTheCa();
  other_ca_cert.cert_file = certs_.other_client_cert;
  other_ca_cert.key_file = certs_.other_client_key;
  EXPECT_EQ(Health(Channel(other_ca_cert), absl::Seconds(2)), std::nullopt)
      << "a client with another CA's certificate got in";
}

TEST_F(TransportSecurityTest, HealthPortAnswersInPlaintextByServiceName) {
  ServerOptions options = Tls();
  options.health_listen = "127.0.0.1:0";
  ASSERT_NO_FATAL_FAILURE(StartServer(options));
  ASSERT_GT(runner_->health_port(), 0);
  auto health = backends::InsecureChannel(
      absl::StrCat("127.0.0.1:", runner_->health_port()));
  EXPECT_EQ(Health(health, absl::Seconds(5)), HealthCheckResponse::SERVING);
  EXPECT_EQ(Health(health, absl::Seconds(5), kOrchestrator),
            HealthCheckResponse::SERVING);
  EXPECT_EQ(Health(health, absl::Seconds(2), "arts.v1.Nothing"),
            std::nullopt);  // NOT_FOUND
  // The main port answers by name too, and only over TLS.
  EXPECT_EQ(Health(Channel(TrustingTheCa()), absl::Seconds(5), kOrchestrator),
            HealthCheckResponse::SERVING);
  // The health port serves nothing else.
  EXPECT_EQ(SolveCode(health), absl::StatusCode::kUnimplemented);

  runner_->SetServing(false);
  EXPECT_EQ(Health(health, absl::Seconds(5), kOrchestrator),
            HealthCheckResponse::NOT_SERVING);
}

TEST_F(TransportSecurityTest, BearerTokensAreCheckedAndRotateWithoutRestart) {
  const std::string tokens = dir_.File("tokens");
  WriteFile(tokens, "# callers\nfirst-token\n\nsecond-token\n");
  absl::StatusOr<std::unique_ptr<BearerAuth>> auth =
      BearerAuth::FromFile(tokens);
  ASSERT_TRUE(auth.ok()) << auth.status();
  ASSERT_NO_FATAL_FAILURE(StartServer(ServerOptions(), *std::move(auth)));
  auto channel = Channel({});

  std::string message;
  EXPECT_EQ(SolveCode(channel, "", &message),
            absl::StatusCode::kUnauthenticated);
  EXPECT_THAT(message, HasSubstr("authorization: Bearer"));
  EXPECT_EQ(SolveCode(channel, "wrong-token", &message),
            absl::StatusCode::kPermissionDenied);
  // Past the check, the call meets the server itself (no backends here).
  EXPECT_EQ(SolveCode(channel, "first-token"), absl::StatusCode::kUnavailable);
  EXPECT_EQ(SolveCode(channel, "second-token"), absl::StatusCode::kUnavailable);
  // Health needs no token.
  EXPECT_EQ(Health(channel, absl::Seconds(5), kOrchestrator),
            HealthCheckResponse::SERVING);

  // Rotation: a new file replaces the old one (as a Secret update does).
  const std::string next = dir_.File("tokens.next");
  WriteFile(next, "third-token\n");
  ASSERT_EQ(std::rename(next.c_str(), tokens.c_str()), 0);
  EXPECT_EQ(SolveCode(channel, "third-token"), absl::StatusCode::kUnavailable);
  EXPECT_EQ(SolveCode(channel, "first-token"),
            absl::StatusCode::kPermissionDenied);

  // A rotation to an empty file keeps the tokens in force.
  WriteFile(next, "# nothing yet\n");
  ASSERT_EQ(std::rename(next.c_str(), tokens.c_str()), 0);
  EXPECT_EQ(SolveCode(channel, "third-token"), absl::StatusCode::kUnavailable);
}

TEST_F(TransportSecurityTest, BadSettingsAreNamed) {
  auto start_error = [](const ServerOptions& options) {
    RpcMetrics metrics("orchestrator");
    OrchestratorService service(metrics, OrchestratorOptions{});
    return ServerRunner::Start("127.0.0.1:0", {&service}, options).status();
  };
  ServerOptions missing = Tls();
  missing.security.cert_file = dir_.File("absent.pem");
  EXPECT_THAT(start_error(missing).message(), HasSubstr("--tls_cert="));
  ServerOptions no_key = Tls();
  no_key.security.key_file.clear();
  EXPECT_THAT(start_error(no_key).message(), HasSubstr("--tls_key"));
  ServerOptions ca_alone;
  ca_alone.security.client_ca_file = certs_.ca;
  EXPECT_THAT(start_error(ca_alone).message(), HasSubstr("--tls_cert"));
  ServerOptions not_pem = Tls();
  const std::string garbage = dir_.File("garbage.pem");
  WriteFile(garbage, "not a certificate\n");
  not_pem.security.key_file = garbage;
  EXPECT_THAT(start_error(not_pem).message(), HasSubstr("not a PEM file"));

  backends::ChannelSecurity cert_without_ca;
  cert_without_ca.cert_file = certs_.client_cert;
  cert_without_ca.key_file = certs_.client_key;
  cert_without_ca.flag_prefix = "--backend_tls_";
  EXPECT_THAT(backends::ClientChannel("127.0.0.1:1", cert_without_ca)
                  .status()
                  .message(),
              HasSubstr("--backend_tls_ca"));
  backends::ChannelSecurity cert_without_key = TrustingTheCa();
  cert_without_key.cert_file = certs_.client_cert;
  EXPECT_THAT(backends::ClientChannel("127.0.0.1:1", cert_without_key)
                  .status()
                  .message(),
              HasSubstr("--tls_key"));

  EXPECT_THAT(BearerAuth::FromFile(dir_.File("absent")).status().message(),
              HasSubstr("--auth_tokens_file="));
  const std::string empty = dir_.File("empty");
  WriteFile(empty, "# no token\n\n");
  EXPECT_THAT(BearerAuth::FromFile(empty).status().message(),
              HasSubstr("holds no token"));
}

}  // namespace
}  // namespace arts::server
