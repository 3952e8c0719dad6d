#include "server/front_door_flags.h"

#include <cstdint>
#include <map>
#include <utility>

#include "absl/flags/flag.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/string_view.h"
#include "absl/time/time.h"
#include "server/connection_flags.h"

ABSL_FLAG(std::string, http_listen, "",
          "OpenAI-compatible HTTP API (POST /v1/chat/completions, "
          "/v1/completions; GET /v1/models, /healthz) on host:port, under "
          "the gRPC port's limits, tokens and TLS; empty: none");
ABSL_FLAG(int, http_threads, 1,
          "threads of the HTTP event loop (a waiting request holds no "
          "thread)");
ABSL_FLAG(int64_t, http_max_body_bytes, 1 << 20,
          "largest HTTP request body taken; a larger one gets 400");
ABSL_FLAG(int, http_max_connections, 16384,
          "open HTTP connections beyond this are closed at once");
ABSL_FLAG(absl::Duration, http_idle_timeout, absl::Seconds(60),
          "an HTTP connection with no request in progress for this long is "
          "closed");

namespace arts::server {

absl::StatusOr<std::unique_ptr<HttpFrontDoor>> FrontDoorFromFlags(
    prometheus::Registry& registry, BearerAuth* auth,
    std::map<std::string, std::string> backends) {
  openai::FrontDoorOptions options;
  options.listen = absl::GetFlag(FLAGS_http_listen);
  if (options.listen.empty()) return std::unique_ptr<HttpFrontDoor>();
  const int threads = absl::GetFlag(FLAGS_http_threads);
  if (threads < 1 || threads > 64) {
    return absl::InvalidArgumentError(
        absl::StrCat("--http_threads: must be 1 to 64, got ", threads));
  }
  const int64_t body = absl::GetFlag(FLAGS_http_max_body_bytes);
  if (body < 1024 || body > (int64_t{1} << 30)) {
    return absl::InvalidArgumentError(absl::StrCat(
        "--http_max_body_bytes: must be 1024 to 1073741824, got ", body));
  }
  const int connections = absl::GetFlag(FLAGS_http_max_connections);
  if (connections < 1) {
    return absl::InvalidArgumentError(absl::StrCat(
        "--http_max_connections: must be positive, got ", connections));
  }
  const absl::Duration idle = absl::GetFlag(FLAGS_http_idle_timeout);
  if (idle <= absl::ZeroDuration()) {
    return absl::InvalidArgumentError(
        absl::StrCat("--http_idle_timeout: must be positive, got ",
                     absl::FormatDuration(idle)));
  }
  const ServerSecurity security = ConnectionOptionsFromFlags().security;
  options.listener.cert_file = security.cert_file;
  options.listener.key_file = security.key_file;
  options.listener.client_ca_file = security.client_ca_file;
  options.listener.threads = threads;
  options.listener.max_body_bytes = static_cast<std::size_t>(body);
  options.listener.max_connections = connections;
  options.listener.idle_timeout = idle;
  options.backends = std::move(backends);
  if (auth != nullptr) {
    options.check_token = [auth](absl::string_view authorization) {
      std::multimap<grpc::string_ref, grpc::string_ref> metadata;
      if (!authorization.empty()) {
        metadata.emplace(
            "authorization",
            grpc::string_ref(authorization.data(), authorization.size()));
      }
      const grpc::Status status = auth->CheckMetadata(metadata);
      return absl::Status(static_cast<absl::StatusCode>(status.error_code()),
                          status.error_message());
    };
  }
  return std::make_unique<HttpFrontDoor>(
      std::make_unique<openai::FrontDoor>(std::move(options), registry));
}

}  // namespace arts::server
