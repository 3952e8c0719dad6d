#include "backends/grpc/channel_security.h"

#include <fstream>
#include <sstream>

#include "absl/strings/str_cat.h"

namespace arts::backends {

absl::StatusOr<std::string> ReadPemFile(const std::string& flag,
                                        const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) {
    return absl::InvalidArgumentError(
        absl::StrCat(flag, "=", path, ": cannot read the file"));
  }
  std::ostringstream text;
  text << in.rdbuf();
  if (text.str().find("-----BEGIN ") == std::string::npos) {
    return absl::InvalidArgumentError(
        absl::StrCat(flag, "=", path, ": not a PEM file (no -----BEGIN line)"));
  }
  return text.str();
}

absl::StatusOr<std::shared_ptr<grpc::ChannelCredentials>>
MakeChannelCredentials(const ChannelSecurity& security) {
  const std::string& p = security.flag_prefix;
  if (!security.tls()) {
    if (!security.cert_file.empty() || !security.key_file.empty() ||
        !security.server_name.empty()) {
      return absl::InvalidArgumentError(
          absl::StrCat(p, "cert, ", p, "key and ", p, "server_name need ", p,
                       "ca (the CA that signs the server's certificate)"));
    }
    return grpc::InsecureChannelCredentials();
  }
  if (security.cert_file.empty() != security.key_file.empty()) {
    return absl::InvalidArgumentError(
        absl::StrCat(p, "cert and ", p, "key go together (mTLS)"));
  }
  grpc::SslCredentialsOptions options;
  absl::StatusOr<std::string> ca = ReadPemFile(p + "ca", security.ca_file);
  if (!ca.ok()) return ca.status();
  options.pem_root_certs = *ca;
  if (!security.cert_file.empty()) {
    absl::StatusOr<std::string> cert =
        ReadPemFile(p + "cert", security.cert_file);
    if (!cert.ok()) return cert.status();
    absl::StatusOr<std::string> key = ReadPemFile(p + "key", security.key_file);
    if (!key.ok()) return key.status();
    options.pem_cert_chain = *cert;
    options.pem_private_key = *key;
  }
  return grpc::SslCredentials(options);
}

}  // namespace arts::backends
