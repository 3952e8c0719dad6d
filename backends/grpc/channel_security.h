#ifndef ARTS_BACKENDS_GRPC_CHANNEL_SECURITY_H_
#define ARTS_BACKENDS_GRPC_CHANNEL_SECURITY_H_

#include <grpcpp/grpcpp.h>

#include <memory>
#include <string>

#include "absl/status/statusor.h"

namespace arts::backends {

// How a client channel proves who it talks to, and who it is. Files are PEM.
// Empty ca_file: plaintext (the other fields must then be empty too).
struct ChannelSecurity {
  std::string ca_file;      // roots that sign the server's certificate
  std::string cert_file;    // the client's certificate, for mTLS (with key)
  std::string key_file;     // the client's private key
  std::string server_name;  // name the server's certificate must carry;
                            // empty: the target's host
  // How the fields are named in errors: "--tls_" gives "--tls_ca",
  // "--tls_cert", "--tls_key", "--tls_server_name".
  std::string flag_prefix = "--tls_";

  bool tls() const { return !ca_file.empty(); }
};

// Reads the files `security` names into gRPC channel credentials. Errors
// (InvalidArgument) name the flag and say what to fix: a missing or empty
// file, a certificate without its key, TLS settings without --*_ca.
absl::StatusOr<std::shared_ptr<grpc::ChannelCredentials>>
MakeChannelCredentials(const ChannelSecurity& security);

// Reads a whole file; errors name `flag` and the path.
absl::StatusOr<std::string> ReadPemFile(const std::string& flag,
                                        const std::string& path);

}  // namespace arts::backends

#endif  // ARTS_BACKENDS_GRPC_CHANNEL_SECURITY_H_
