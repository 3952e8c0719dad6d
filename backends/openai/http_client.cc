#include "backends/openai/http_client.h"

#include <curl/curl.h>

#include <algorithm>
#include <mutex>
#include <utility>

#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"

namespace arts::backends::openai {
namespace {

// How often a request's `cancelled` is polled while it is out.
constexpr int kCancelPollMs = 5;

CURLM* Multi(void* multi) { return static_cast<CURLM*>(multi); }

}  // namespace

struct HttpClient::Transfer {
  HttpRequest request;
  Done done;
  CURL* easy = nullptr;
  curl_slist* headers = nullptr;
  std::string response;
  size_t max_bytes = 0;
  bool too_large = false;
  char error[CURL_ERROR_SIZE] = {};

  ~Transfer() {
    if (headers != nullptr) curl_slist_free_all(headers);
    if (easy != nullptr) curl_easy_cleanup(easy);
  }

  static size_t Write(char* data, size_t size, size_t count, void* self) {
    auto* t = static_cast<Transfer*>(self);
    const size_t bytes = size * count;
    if (t->response.size() + bytes > t->max_bytes) {
      t->too_large = true;
      return 0;  // aborts the transfer with CURLE_WRITE_ERROR
    }
    t->response.append(data, bytes);
    return bytes;
  }
};

HttpClient::HttpClient(HttpClientOptions options)
    : options_(std::move(options)) {
  static std::once_flag global_init;
  std::call_once(global_init, [] { curl_global_init(CURL_GLOBAL_DEFAULT); });
  multi_ = curl_multi_init();
  curl_multi_setopt(Multi(multi_), CURLMOPT_MAX_TOTAL_CONNECTIONS,
                    static_cast<long>(options_.max_connections));  // NOLINT
  loop_ = std::thread([this] { Loop(); });
}

HttpClient::~HttpClient() {
  {
    absl::MutexLock lock(&mu_);
    stopping_ = true;
  }
  curl_multi_wakeup(Multi(multi_));
  loop_.join();
  curl_multi_cleanup(Multi(multi_));
}

void HttpClient::Post(HttpRequest request, Done done) {
  auto transfer = std::make_unique<Transfer>();
  transfer->request = std::move(request);
  transfer->done = std::move(done);
  {
    absl::MutexLock lock(&mu_);
    incoming_.push_back(std::move(transfer));
  }
  curl_multi_wakeup(Multi(multi_));
}

void HttpClient::StartTransfer(std::unique_ptr<Transfer> t) {
  const absl::Duration left = t->request.deadline - absl::Now();
  if (left <= absl::ZeroDuration()) {
    t->done(absl::DeadlineExceededError(
        "the deadline passed before the request was sent"));
    return;
  }
  t->easy = curl_easy_init();
  t->max_bytes = options_.max_response_bytes;
  CURL* e = t->easy;
  curl_easy_setopt(e, CURLOPT_URL, t->request.url.c_str());
  curl_easy_setopt(e, CURLOPT_POST, 1L);
  curl_easy_setopt(e, CURLOPT_POSTFIELDS, t->request.body.c_str());
  curl_easy_setopt(e, CURLOPT_POSTFIELDSIZE_LARGE,
                   static_cast<curl_off_t>(t->request.body.size()));
  t->headers = curl_slist_append(t->headers, "Content-Type: application/json");
  for (const std::string& header : t->request.headers) {
    t->headers = curl_slist_append(t->headers, header.c_str());
  }
  curl_easy_setopt(e, CURLOPT_HTTPHEADER, t->headers);
  curl_easy_setopt(e, CURLOPT_WRITEFUNCTION, &Transfer::Write);
  curl_easy_setopt(e, CURLOPT_WRITEDATA, t.get());
  curl_easy_setopt(e, CURLOPT_ERRORBUFFER, t->error);
  curl_easy_setopt(e, CURLOPT_NOSIGNAL, 1L);
  curl_easy_setopt(e, CURLOPT_PROTOCOLS_STR, "http,https");
  // At least 1 ms: libcurl reads 0 as "no timeout".
  curl_easy_setopt(e, CURLOPT_TIMEOUT_MS,
                   static_cast<long>(  // NOLINT(runtime/int)
                       std::max<int64_t>(1, absl::ToInt64Milliseconds(left))));
  curl_easy_setopt(e, CURLOPT_CONNECTTIMEOUT_MS,
                   static_cast<long>(  // NOLINT(runtime/int)
                       absl::ToInt64Milliseconds(options_.connect_timeout)));
  if (!options_.ca_file.empty()) {
    curl_easy_setopt(e, CURLOPT_CAINFO, options_.ca_file.c_str());
  }
  curl_easy_setopt(e, CURLOPT_PRIVATE, t.get());
  curl_multi_add_handle(Multi(multi_), e);
  active_.push_back(std::move(t));
}

void HttpClient::FinishTransfer(Transfer* transfer,
                                absl::StatusOr<HttpResponse> result) {
  curl_multi_remove_handle(Multi(multi_), transfer->easy);
  auto it =
      std::find_if(active_.begin(), active_.end(),
                   [transfer](const auto& t) { return t.get() == transfer; });
  std::unique_ptr<Transfer> owned = std::move(*it);
  active_.erase(it);
  owned->done(std::move(result));
}

namespace {

absl::StatusOr<HttpResponse> ResultOf(CURLcode code, CURL* easy,
                                      std::string body, bool too_large,
                                      size_t max_bytes, const char* error) {
  if (code == CURLE_OK) {
    HttpResponse response;
    curl_easy_getinfo(easy, CURLINFO_RESPONSE_CODE, &response.status);
    response.body = std::move(body);
    return response;
  }
  const std::string detail =
      error[0] != '\0' ? std::string(error) : curl_easy_strerror(code);
  if (too_large) {
    return absl::InternalError(
        absl::StrCat("the response is larger than ", max_bytes, " bytes"));
  }
  switch (code) {
    case CURLE_OPERATION_TIMEDOUT:
      return absl::DeadlineExceededError(detail);
    case CURLE_COULDNT_RESOLVE_HOST:
    case CURLE_COULDNT_CONNECT:
    case CURLE_SEND_ERROR:
    case CURLE_RECV_ERROR:
    case CURLE_GOT_NOTHING:
    case CURLE_PARTIAL_FILE:
      return absl::UnavailableError(detail);
    case CURLE_SSL_CONNECT_ERROR:
    case CURLE_PEER_FAILED_VERIFICATION:
    case CURLE_SSL_CACERT_BADFILE:
      return absl::UnavailableError(absl::StrCat("TLS: ", detail));
    default:
      return absl::InternalError(detail);
  }
}

}  // namespace

void HttpClient::Loop() {
  for (;;) {
    std::vector<std::unique_ptr<Transfer>> incoming;
    bool stopping = false;
    {
      absl::MutexLock lock(&mu_);
      incoming.swap(incoming_);
      stopping = stopping_;
    }
    if (stopping) {
      for (auto& t : incoming) {
        t->done(absl::CancelledError("the HTTP client is shutting down"));
      }
      while (!active_.empty()) {
        FinishTransfer(
            active_.back().get(),
            absl::CancelledError("the HTTP client is shutting down"));
      }
      return;
    }
    for (auto& t : incoming) StartTransfer(std::move(t));

    int running = 0;
    curl_multi_perform(Multi(multi_), &running);
    int left = 0;
    while (CURLMsg* msg = curl_multi_info_read(Multi(multi_), &left)) {
      if (msg->msg != CURLMSG_DONE) continue;
      Transfer* t = nullptr;
      curl_easy_getinfo(msg->easy_handle, CURLINFO_PRIVATE, &t);
      const CURLcode code = msg->data.result;
      FinishTransfer(t, ResultOf(code, t->easy, std::move(t->response),
                                 t->too_large, t->max_bytes, t->error));
    }
    // Cancelled requests leave now: their connections close.
    for (size_t i = 0; i < active_.size();) {
      Transfer* t = active_[i].get();
      if (t->request.cancelled && t->request.cancelled()) {
        FinishTransfer(t, absl::CancelledError("the call was cancelled"));
      } else {
        ++i;
      }
    }
    const int wait_ms = active_.empty() ? 1000 : kCancelPollMs;
    curl_multi_poll(Multi(multi_), nullptr, 0, wait_ms, nullptr);
  }
}

}  // namespace arts::backends::openai
