#include "server/server_security.h"

#include "backends/grpc/channel_security.h"

namespace arts::server {

absl::StatusOr<std::shared_ptr<grpc::ServerCredentials>> MakeServerCredentials(
    const ServerSecurity& security) {
  if (!security.tls()) {
    if (!security.key_file.empty() || !security.client_ca_file.empty()) {
      return absl::InvalidArgumentError(
          "--tls_key and --tls_client_ca need --tls_cert (the server's "
          "certificate)");
    }
    return grpc::InsecureServerCredentials();
  }
  if (security.key_file.empty()) {
    return absl::InvalidArgumentError(
        "--tls_cert needs --tls_key (the certificate's private key)");
  }
  absl::StatusOr<std::string> cert =
      backends::ReadPemFile("--tls_cert", security.cert_file);
  if (!cert.ok()) return cert.status();
  absl::StatusOr<std::string> key =
      backends::ReadPemFile("--tls_key", security.key_file);
  if (!key.ok()) return key.status();
  grpc::SslServerCredentialsOptions options(
      GRPC_SSL_DONT_REQUEST_CLIENT_CERTIFICATE);
  options.pem_key_cert_pairs.push_back({*key, *cert});
  if (!security.client_ca_file.empty()) {
    absl::StatusOr<std::string> ca =
        backends::ReadPemFile("--tls_client_ca", security.client_ca_file);
    if (!ca.ok()) return ca.status();
    options.pem_root_certs = *ca;
    options.client_certificate_request =
        GRPC_SSL_REQUEST_AND_REQUIRE_CLIENT_CERTIFICATE_AND_VERIFY;
  }
  return grpc::SslServerCredentials(options);
}

}  // namespace arts::server
