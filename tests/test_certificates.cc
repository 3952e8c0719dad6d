#include "tests/test_certificates.h"

#include <cstdlib>

#include "absl/strings/str_cat.h"

namespace arts::testing_support {
namespace {

// Runs a shell command in `dir`; an error quotes the command and its output.
absl::Status Run(const TempDir& dir, const std::string& command) {
  const std::string log = dir.File("openssl.log");
  const std::string full = absl::StrCat("cd '", dir.File(""), "' && (", command,
                                        ") >'", log, "' 2>&1");
  if (std::system(full.c_str()) != 0) {
    return absl::InternalError(
        absl::StrCat("`", command, "` failed:\n", ReadFile(log)));
  }
  return absl::OkStatus();
}

// A new P-256 key and a certificate for `subject`, signed by `ca` (its
// .pem and .key), with the extensions in `extensions`.
absl::Status Issue(const TempDir& dir, const std::string& name,
                   const std::string& subject, const std::string& ca,
                   const std::string& extensions) {
  WriteFile(dir.File(name + ".ext"), absl::StrCat(extensions, "\n"));
  return Run(dir, absl::StrCat(
                      "openssl req -new -newkey ec -pkeyopt "
                      "ec_paramgen_curve:prime256v1 -nodes -keyout ",
                      name, ".key -out ", name, ".csr -subj '/CN=", subject,
                      "' && openssl x509 -req -in ", name, ".csr -CA ", ca,
                      ".pem -CAkey ", ca, ".key -CAcreateserial -days 2 -out ",
                      name, ".pem -extfile ", name, ".ext"));
}

absl::Status MakeCa(const TempDir& dir, const std::string& name) {
  return Run(dir, absl::StrCat("openssl req -x509 -newkey ec -pkeyopt "
                               "ec_paramgen_curve:prime256v1 -nodes -keyout ",
                               name, ".key -out ", name,
                               ".pem -days 2 -subj '/CN=arts test ", name,
                               "' -addext basicConstraints=critical,CA:TRUE"));
}

}  // namespace

absl::StatusOr<TestCertificates> MakeTestCertificates(const TempDir& dir) {
  for (const char* ca : {"ca", "other_ca"}) {
    if (absl::Status s = MakeCa(dir, ca); !s.ok()) return s;
  }
  if (absl::Status s = Issue(dir, "server", "localhost", "ca",
                             "subjectAltName=IP:127.0.0.1,DNS:localhost\n"
                             "extendedKeyUsage=serverAuth");
      !s.ok()) {
    return s;
  }
  if (absl::Status s = Issue(dir, "client", "arts-orchestrator", "ca",
                             "extendedKeyUsage=clientAuth");
      !s.ok()) {
    return s;
  }
  if (absl::Status s = Issue(dir, "other_client", "arts-orchestrator",
                             "other_ca", "extendedKeyUsage=clientAuth");
      !s.ok()) {
    return s;
  }
  TestCertificates certs;
  certs.ca = dir.File("ca.pem");
  certs.server_cert = dir.File("server.pem");
  certs.server_key = dir.File("server.key");
  certs.client_cert = dir.File("client.pem");
  certs.client_key = dir.File("client.key");
  certs.other_ca = dir.File("other_ca.pem");
  certs.other_client_cert = dir.File("other_client.pem");
  certs.other_client_key = dir.File("other_client.key");
  return certs;
}

}  // namespace arts::testing_support
