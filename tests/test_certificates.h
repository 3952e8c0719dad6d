// Certificates for the TLS tests, made at test time with the openssl
// command-line tool (Debian's openssl package), never checked in.

#ifndef ARTS_TESTS_TEST_CERTIFICATES_H_
#define ARTS_TESTS_TEST_CERTIFICATES_H_

#include <string>

#include "absl/status/statusor.h"
#include "tests/test_support.h"

namespace arts::testing_support {

// PEM files in a TempDir: a CA, a server certificate it signed for
// 127.0.0.1 and localhost, a client certificate it signed, and a second,
// unrelated CA with a client certificate of its own.
struct TestCertificates {
  std::string ca;
  std::string server_cert;
  std::string server_key;
  std::string client_cert;
  std::string client_key;
  std::string other_ca;
  std::string other_client_cert;  // signed by other_ca
  std::string other_client_key;
};

// Makes the certificates in `dir` (P-256 keys, valid for two days).
absl::StatusOr<TestCertificates> MakeTestCertificates(const TempDir& dir);

}  // namespace arts::testing_support

#endif  // ARTS_TESTS_TEST_CERTIFICATES_H_
