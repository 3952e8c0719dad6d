#ifndef ARTS_SERVER_SERVER_SECURITY_H_
#define ARTS_SERVER_SERVER_SECURITY_H_

#include <grpcpp/grpcpp.h>

#include <memory>
#include <string>

#include "absl/status/statusor.h"

namespace arts::server {

// How a server proves who it is, and whom it lets in. Files are PEM; all
// empty: plaintext.
struct ServerSecurity {
  std::string cert_file;       // --tls_cert: the server's certificate chain
  std::string key_file;        // --tls_key: its private key
  std::string client_ca_file;  // --tls_client_ca: set, a client must show a
                               // certificate this CA signed (mTLS)

  bool tls() const { return !cert_file.empty(); }
};

// Reads the files into gRPC server credentials. Errors (InvalidArgument)
// name the flag: a missing or unreadable file, a certificate without its
// key, a client CA without a certificate.
absl::StatusOr<std::shared_ptr<grpc::ServerCredentials>> MakeServerCredentials(
    const ServerSecurity& security);

}  // namespace arts::server

#endif  // ARTS_SERVER_SERVER_SECURITY_H_
