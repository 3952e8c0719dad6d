#include "server/server_runner.h"

#include <grpcpp/ext/proto_server_reflection_plugin.h>
#include <grpcpp/health_check_service_interface.h>
#include <pthread.h>

#include <algorithm>
#include <csignal>
#include <cstdint>
#include <limits>

#include "absl/status/status.h"
#include "absl/strings/str_cat.h"
#include "grpc/health/v1/health.pb.h"

namespace arts::server {
namespace {

sigset_t ShutdownSignals() {
  sigset_t set;
  sigemptyset(&set);
  sigaddset(&set, SIGTERM);
  sigaddset(&set, SIGINT);
  return set;
}

// Channel arguments hold milliseconds as an int: longer durations are capped
// (at about 24 days, which is "never" for a connection's age).
int ClampedMillis(absl::Duration duration) {
  return static_cast<int>(std::min<int64_t>(absl::ToInt64Milliseconds(duration),
                                            std::numeric_limits<int>::max()));
}

absl::Status CannotListen(const std::string& flag, const std::string& address) {
  return absl::InvalidArgumentError(
      absl::StrCat(flag, "=", address,
                   ": cannot listen there (bad host:port, or the port is in "
                   "use)"));
}

}  // namespace

void BlockShutdownSignals() {
  sigset_t set = ShutdownSignals();
  pthread_sigmask(SIG_BLOCK, &set, nullptr);
}

absl::StatusOr<std::unique_ptr<ServerRunner>> ServerRunner::Start(
    const std::string& listen, const std::vector<grpc::Service*>& services,
    const ServerOptions& options) {
  absl::StatusOr<std::shared_ptr<grpc::ServerCredentials>> credentials =
      MakeServerCredentials(options.security);
  if (!credentials.ok()) return credentials.status();
  grpc::EnableDefaultHealthCheckService(true);
  grpc::reflection::InitProtoReflectionServerBuilderPlugin();
  // Reflection resolves the health service's descriptor from the generated
  // pool only if grpc/health/v1/health.proto is linked in; naming one of its
  // messages here keeps the linker from dropping it.
  grpc::health::v1::HealthCheckRequest::descriptor();
  auto runner = std::make_unique<ServerRunner>();
  runner->health_services_ = options.health_services;
  runner->health_services_.insert(runner->health_services_.begin(), "");

  grpc::ServerBuilder builder;
  builder.AddListeningPort(listen, *credentials, &runner->port_);
  for (grpc::Service* service : services) builder.RegisterService(service);
  builder.SetMaxReceiveMessageSize(kMaxMessageBytes);
  builder.SetMaxSendMessageSize(kMaxMessageBytes);
  builder.AddChannelArgument(GRPC_ARG_MAX_CONCURRENT_STREAMS,
                             kMaxConcurrentStreams);
  builder.AddChannelArgument(GRPC_ARG_KEEPALIVE_TIME_MS, kKeepaliveTimeMs);
  builder.AddChannelArgument(GRPC_ARG_KEEPALIVE_PERMIT_WITHOUT_CALLS, 1);
  builder.AddChannelArgument(
      GRPC_ARG_HTTP2_MIN_RECV_PING_INTERVAL_WITHOUT_DATA_MS,
      kMinClientPingIntervalMs);
  if (options.max_connection_age > absl::ZeroDuration()) {
    builder.AddChannelArgument(GRPC_ARG_MAX_CONNECTION_AGE_MS,
                               ClampedMillis(options.max_connection_age));
    builder.AddChannelArgument(GRPC_ARG_MAX_CONNECTION_AGE_GRACE_MS,
                               ClampedMillis(options.max_connection_age_grace));
  }
  runner->server_ = builder.BuildAndStart();
  if (runner->server_ == nullptr || runner->port_ == 0) {
    return CannotListen("--listen", listen);
  }
  if (!options.health_listen.empty()) {
    grpc::ServerBuilder health_builder;
    health_builder.AddListeningPort(options.health_listen,
                                    grpc::InsecureServerCredentials(),
                                    &runner->health_port_);
    runner->health_server_ = health_builder.BuildAndStart();
    if (runner->health_server_ == nullptr || runner->health_port_ == 0) {
      runner->server_->Shutdown();
      return CannotListen("--health_listen", options.health_listen);
    }
  }
  runner->SetServing(false);
  return runner;
}

void ServerRunner::SetServing(bool serving) {
  for (grpc::Server* server : {server_.get(), health_server_.get()}) {
    if (server == nullptr) continue;
    for (const std::string& name : health_services_) {
      server->GetHealthCheckService()->SetServingStatus(name, serving);
    }
  }
}

std::string ServerRunner::WaitForShutdownSignal() {
  sigset_t set = ShutdownSignals();
  int signal = 0;
  sigwait(&set, &signal);
  return signal == SIGTERM ? "SIGTERM" : "SIGINT";
}

void ServerRunner::Shutdown(absl::Duration drain) {
  // Probes see NOT_SERVING on both ports while the calls in flight drain.
  server_->GetHealthCheckService()->Shutdown();
  if (health_server_ != nullptr) {
    health_server_->GetHealthCheckService()->Shutdown();
  }
  server_->Shutdown(absl::ToChronoTime(absl::Now() + drain));
  server_->Wait();
  if (health_server_ != nullptr) {
    health_server_->Shutdown(absl::ToChronoTime(absl::Now()));
    health_server_->Wait();
  }
}

}  // namespace arts::server
