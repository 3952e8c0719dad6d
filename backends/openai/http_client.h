#ifndef ARTS_BACKENDS_OPENAI_HTTP_CLIENT_H_
#define ARTS_BACKENDS_OPENAI_HTTP_CLIENT_H_

#include <functional>
#include <memory>
#include <string>
#include <thread>
#include <vector>

#include "absl/base/thread_annotations.h"
#include "absl/status/statusor.h"
#include "absl/synchronization/mutex.h"
#include "absl/time/time.h"

namespace arts::backends::openai {

struct HttpRequest {
  std::string url;
  std::string body;                  // POSTed as application/json
  std::vector<std::string> headers;  // "Name: value"
  absl::Time deadline = absl::InfiniteFuture();
  // Polled every few milliseconds while the request is out; true aborts it
  // (the connection closes, so the server sees the client go).
  std::function<bool()> cancelled;
};

struct HttpResponse {
  long status = 0;  // NOLINT(runtime/int): libcurl's type
  std::string body;
};

struct HttpClientOptions {
  std::string ca_file;  // empty: the system's CA certificates
  absl::Duration connect_timeout = absl::Seconds(10);
  int max_connections = 64;  // requests beyond it wait inside libcurl
  size_t max_response_bytes = 16 << 20;
};

// HTTP POSTs without a thread per request: one thread owns a libcurl multi
// handle and runs every transfer; Post queues a request and returns. Who
// owns a request: the caller until Post, then the loop thread, which calls
// `done` exactly once, always from the loop thread (never inside Post), with
// the response (any HTTP status) or DEADLINE_EXCEEDED at the deadline,
// CANCELLED when `cancelled` says so or the client shuts down, UNAVAILABLE
// when the server cannot be reached, INTERNAL for an oversized response.
class HttpClient {
 public:
  explicit HttpClient(HttpClientOptions options);
  ~HttpClient();  // cancels what is out, after which no `done` is called
  HttpClient(const HttpClient&) = delete;
  HttpClient& operator=(const HttpClient&) = delete;

  using Done = std::function<void(absl::StatusOr<HttpResponse>)>;
  void Post(HttpRequest request, Done done);

 private:
  struct Transfer;
  void Loop();
  void StartTransfer(std::unique_ptr<Transfer> transfer);
  void FinishTransfer(Transfer* transfer, absl::StatusOr<HttpResponse> result);

  const HttpClientOptions options_;
  void* multi_;  // CURLM*, kept out of this header
  absl::Mutex mu_;
  std::vector<std::unique_ptr<Transfer>> incoming_ ABSL_GUARDED_BY(mu_);
  bool stopping_ ABSL_GUARDED_BY(mu_) = false;
  // Owned by the loop thread.
  std::vector<std::unique_ptr<Transfer>> active_;
  std::thread loop_;
};

}  // namespace arts::backends::openai

#endif  // ARTS_BACKENDS_OPENAI_HTTP_CLIENT_H_
