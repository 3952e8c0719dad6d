#include "server/connection_flags.h"

#include <string>

#include "absl/flags/flag.h"
#include "absl/time/time.h"

ABSL_FLAG(std::string, tls_cert, "",
          "PEM certificate chain of this server; with --tls_key, the gRPC "
          "port speaks TLS (empty: plaintext)");
ABSL_FLAG(std::string, tls_key, "", "PEM private key of --tls_cert");
ABSL_FLAG(std::string, tls_client_ca, "",
          "PEM CA: clients must present a certificate it signed (mTLS); "
          "needs --tls_cert");
ABSL_FLAG(absl::Duration, max_connection_age, absl::Minutes(5),
          "close each client connection (GOAWAY) after this long, so clients "
          "reconnect and spread over new replicas; 0 never closes");
ABSL_FLAG(absl::Duration, max_connection_age_grace, absl::Seconds(30),
          "after --max_connection_age, how long the connection's calls may "
          "take to finish");
ABSL_FLAG(std::string, health_listen, "",
          "extra plaintext host:port serving only grpc.health.v1 (and "
          "reflection), for probes that cannot speak TLS; empty: none");

namespace arts::server {

ServerOptions ConnectionOptionsFromFlags() {
  ServerOptions options;
  options.security.cert_file = absl::GetFlag(FLAGS_tls_cert);
  options.security.key_file = absl::GetFlag(FLAGS_tls_key);
  options.security.client_ca_file = absl::GetFlag(FLAGS_tls_client_ca);
  options.max_connection_age = absl::GetFlag(FLAGS_max_connection_age);
  options.max_connection_age_grace =
      absl::GetFlag(FLAGS_max_connection_age_grace);
  options.health_listen = absl::GetFlag(FLAGS_health_listen);
  return options;
}

}  // namespace arts::server
