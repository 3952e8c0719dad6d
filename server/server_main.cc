#include "server/server_main.h"

#include <iostream>
#include <memory>

#include "absl/flags/usage.h"
#include "absl/flags/usage_config.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "server/server_runner.h"

namespace arts::server {

void SetServerUsage(const std::string& program, const std::string& usage) {
  absl::SetProgramUsageMessage(usage);
  absl::FlagsUsageConfig config;
  config.contains_help_flags = [](absl::string_view file) {
    return absl::StrContains(file, "server/");
  };
  config.contains_helpshort_flags = config.contains_help_flags;
  config.version_string = [program] {
    return absl::StrCat(program, " ", ARTS_VERSION, "\n");
  };
  absl::SetFlagsUsageConfig(config);
}

absl::Status CheckFlagRange(const std::string& name, int value, int lo,
                            int hi) {
  if (value >= lo && value <= hi) return absl::OkStatus();
  return absl::InvalidArgumentError(
      absl::StrCat(name, ": must be ", lo, " to ", hi, ", got ", value));
}

int RunServerMain(const std::string& program, const ServerFlags& flags,
                  RpcMetrics& metrics, grpc::Service& service,
                  const ModelLoader& load_model, SideListener* side) {
  if (flags.connection.max_connection_age < absl::ZeroDuration() ||
      flags.connection.max_connection_age_grace < absl::ZeroDuration()) {
    std::cerr << program
              << ": --max_connection_age and --max_connection_age_grace "
                 "must not be negative\n";
    return 2;
  }
  if (flags.check_flags) {
    if (absl::Status s = flags.check_flags(); !s.ok()) {
      std::cerr << program << ": " << s.message() << "\n";
      return 2;
    }
  }

  if (!flags.metrics_listen.empty()) {
    if (absl::Status s = metrics.Serve(flags.metrics_listen); !s.ok()) {
      std::cerr << program << ": " << s.message() << "\n";
      return 2;
    }
  }
  ServerOptions options = flags.connection;
  if (!flags.service_name.empty()) {
    options.health_services.push_back(flags.service_name);
  }
  absl::StatusOr<std::unique_ptr<ServerRunner>> runner =
      ServerRunner::Start(flags.listen, {&service}, options);
  if (!runner.ok()) {
    std::cerr << program << ": " << runner.status().message() << "\n";
    return 2;
  }
  std::string side_serving;
  if (side != nullptr) {
    absl::StatusOr<std::string> started = side->Start((*runner)->server());
    if (!started.ok()) {
      std::cerr << program << ": " << started.status().message() << "\n";
      (*runner)->Shutdown(absl::ZeroDuration());
      return 2;
    }
    side_serving = *std::move(started);
  }
  absl::StatusOr<int64_t> num_parameters = load_model(flags.model);
  if (!num_parameters.ok()) {
    std::cerr << program << ": " << flags.model_flag << ": "
              << num_parameters.status().message() << "\n";
    if (side != nullptr) side->StopAccepting();
    (*runner)->Shutdown(absl::ZeroDuration());
    if (side != nullptr) side->Stop(absl::ZeroDuration());
    return 1;
  }
  // One write, before health says SERVING: whoever waits for SERVING (a
  // test, an operator) finds the whole line, ports included.
  std::string serving = absl::StrCat(program, ": serving ", flags.model);
  if (*num_parameters > 0) {
    absl::StrAppend(&serving, " (", *num_parameters, " parameters)");
  }
  absl::StrAppend(&serving, " on port ", (*runner)->port());
  if (options.security.tls()) {
    absl::StrAppend(&serving, options.security.client_ca_file.empty()
                                  ? " (TLS)"
                                  : " (mTLS)");
  }
  if ((*runner)->health_port() != 0) {
    absl::StrAppend(&serving, ", health on port ", (*runner)->health_port());
  }
  if (!flags.metrics_listen.empty()) {
    absl::StrAppend(&serving, ", metrics on port ", metrics.port());
  }
  if (!side_serving.empty()) absl::StrAppend(&serving, ", ", side_serving);
  std::cerr << serving + "\n" << std::flush;
  (*runner)->SetServing(true);

  const std::string signal = ServerRunner::WaitForShutdownSignal();
  std::cerr << program << ": " << signal << ", draining" << std::endl;
  if (side != nullptr) side->StopAccepting();
  (*runner)->Shutdown(flags.drain_timeout);
  // The drain ended every call the side listener made; what is left is
  // writing their answers.
  if (side != nullptr) side->Stop(absl::Seconds(2));
  std::cerr << program << ": stopped" << std::endl;
  return 0;
}

}  // namespace arts::server
