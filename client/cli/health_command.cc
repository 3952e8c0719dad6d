// `arts health`: asks a service's standard health service how it is, as a
// load balancer or grpc_health_probe would: SERVING exits 0, anything else
// (NOT_SERVING, unknown service, no answer) exits 1.
#include <iostream>
#include <memory>
#include <string>

#include "absl/flags/flag.h"
#include "absl/strings/str_cat.h"
#include "backends/grpc/channel.h"
#include "client/cli/commands.h"
#include "client/cli/flag_groups.h"
#include "client/cli/search_flags.h"
#include "grpc/health/v1/health.grpc.pb.h"

ABSL_FLAG(std::string, service, "",
          "the service name to ask about (e.g. arts.v1.Orchestrator); empty: "
          "the whole server");

namespace arts::cli {

namespace {

struct HealthOptions {
  std::string address;  // the orchestrator's when empty
  std::string service;  // "": the whole server
  backends::ChannelSecurity security;
  ConnectionOptions connection;
};

absl::StatusOr<HealthOptions> ParseHealthOptions(FlagReader& flags) {
  HealthOptions options;
  options.address = OrchestratorOrDefault(flags(FLAGS_address));
  options.service = flags(FLAGS_service);
  options.security = ReadChannelSecurity(flags);
  options.connection = ReadConnectionOptions(flags);
  return options;
}

int RunHealth(const HealthOptions& options) {
  const std::string& address = options.address;
  absl::StatusOr<std::shared_ptr<grpc::Channel>> channel =
      backends::ClientChannel(address, options.security);
  if (!channel.ok()) {
    std::cerr << "health: " << channel.status().message() << "\n";
    return 2;
  }
  auto stub = grpc::health::v1::Health::NewStub(*channel);
  std::unique_ptr<grpc::ClientContext> context =
      backends::MakeClientContext(options.connection.CallSettings());
  grpc::health::v1::HealthCheckRequest request;
  request.set_service(options.service);
  grpc::health::v1::HealthCheckResponse response;
  const grpc::Status status = stub->Check(context.get(), request, &response);
  if (!status.ok()) {
    std::cout << address << ": no answer: " << status.error_message() << " ("
              << backends::FromGrpcStatus(status).code() << ")\n";
    return 1;
  }
  std::cout << address << ": "
            << grpc::health::v1::HealthCheckResponse::ServingStatus_Name(
                   response.status())
            << "\n";
  return response.status() == grpc::health::v1::HealthCheckResponse::SERVING
             ? 0
             : 1;
}

}  // namespace

Command HealthCommand() {
  return MakeCommand<HealthOptions>(
      "health", "ask a service's gRPC health (grpc.health.v1) how it is",
      ParseHealthOptions, RunHealth);
}

}  // namespace arts::cli
