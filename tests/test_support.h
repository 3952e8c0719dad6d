// Helpers shared by the test binaries: temporary directories, whole-file I/O,
// the tiny random generator and verifier that the model and server tests run
// on, and a plain-socket HTTP client for loopback endpoints.
//
// This library depends on arts_core only, never on arts_server: the binary
// tests must not link arts_server (see tests/CMakeLists.txt).

#ifndef ARTS_TESTS_TEST_SUPPORT_H_
#define ARTS_TESTS_TEST_SUPPORT_H_

#include <cstdint>
#include <filesystem>
#include <map>
#include <string>

#include "core/model/transformer.h"

namespace arts::testing_support {

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

// The tiny generator shape the tests use: d_model 32, 2 layers, 2 heads,
// d_ff 64, 320 positions, the tokenizer's vocabulary.
model::TransformerConfig TinyTransformerConfig();

// A tiny random transformer, in eval mode, from torch::manual_seed(seed). The
// weights are perturbed (randn * 0.3) well beyond the training initialisation
// so that its distributions are far from uniform and tests notice a wrong
// context.
model::Transformer MakeTinyTransformer(
    uint64_t seed,
    const model::TransformerConfig& config = TinyTransformerConfig());

// Saves MakeTinyTransformer(seed) as a generator checkpoint at `path`, with
// `metadata`. A failure to save is a fatal failure of the current test.
void SaveTinyGenerator(const std::string& path, uint64_t seed,
                       const std::map<std::string, std::string>& metadata = {});

// Saves a tiny random verifier (TinyTransformerConfig with one output,
// MakeTinyTransformer(seed)) as a verifier checkpoint at `path`, with
// `metadata`. A failure to save is a fatal failure of the current test.
void SaveTinyVerifier(const std::string& path, uint64_t seed,
                      const std::map<std::string, std::string>& metadata = {});

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
