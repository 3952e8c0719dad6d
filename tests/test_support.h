// Helpers shared by the test binaries: temporary directories, whole-file I/O
// and a plain-socket HTTP client for loopback endpoints. Torch-free, so that
// tests and helpers that run no model compile without LibTorch's headers
// (the tiny models are in tests/tiny_models.h).

#ifndef ARTS_TESTS_TEST_SUPPORT_H_
#define ARTS_TESTS_TEST_SUPPORT_H_

#include <filesystem>
#include <string>

namespace arts::testing_support {

// How much longer a timed bound may take in this build: our code runs 2-10x
// slower under ASan and TSan (the asan and tsan presets), so a bound that
// says "the model pass ended in time" scales by it, as gRPC's own tests'
// slowdown factor does. 1 in the release build.
#if defined(__SANITIZE_ADDRESS__) || defined(__SANITIZE_THREAD__)
inline constexpr int kSanitizerSlowdown = 5;
#else
inline constexpr int kSanitizerSlowdown = 1;
#endif

// A fresh directory under the test temp dir, `<prefix>_<pid>_<counter>`,
// removed with its contents at the end.
class TempDir {
 public:
  explicit TempDir(const std::string& prefix);
  ~TempDir();
  TempDir(const TempDir&) = delete;
  TempDir& operator=(const TempDir&) = delete;

  // The path of `name` in the directory.
  std::string File(const std::string& name) const;

 private:
  std::filesystem::path path_;
};

// The whole file, byte for byte ("" when it cannot be read).
std::string ReadFile(const std::string& path);

// Replaces the file's contents with `bytes`.
void WriteFile(const std::string& path, const std::string& bytes);

// 4 KiB of seeded random bytes at `path`: a file that is not a checkpoint.
void WriteGarbage(const std::string& path);

struct HttpResponse {
  int status = 0;  // 0: no answer
  std::string headers;
  std::string body;
};

// One HTTP/1.1 request to 127.0.0.1:port over a plain socket (5 s send and
// receive timeouts); the server closes the connection after answering.
HttpResponse HttpRequest(int port, const std::string& method,
                         const std::string& path);

// One HTTP/1.1 GET to 127.0.0.1:port; the body of a 200 answer, or "" on any
// failure.
std::string HttpGet(int port, const std::string& path);

}  // namespace arts::testing_support

#endif  // ARTS_TESTS_TEST_SUPPORT_H_
