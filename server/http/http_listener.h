#ifndef ARTS_SERVER_HTTP_HTTP_LISTENER_H_
#define ARTS_SERVER_HTTP_HTTP_LISTENER_H_

#include <cstddef>
#include <functional>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "absl/time/time.h"

namespace arts::http {

using Headers = std::vector<std::pair<std::string, std::string>>;

// One HTTP request, read whole (its body within the listener's limit).
struct Request {
  std::string method;  // "GET", "POST", ...
  std::string target;  // the path and query, as sent
  Headers headers;     // names in lower case
  std::string body;

  // The path without its query.
  absl::string_view Path() const;
  // The first value of the header `name` (lower case); empty when absent.
  absl::string_view Header(absl::string_view name) const;
};

// A whole answer.
struct Response {
  int status = 200;
  Headers headers;  // Content-Length and Connection are set by the listener
  std::string body;
};

// The answer to one request. Who owns it: the listener hands it to the
// handler, which keeps it (a shared_ptr) for as long as it answers; the
// connection itself holds it only weakly. Every method may be called from
// any thread: each takes effect in call order on the connection's own
// executor, and none blocks. Exactly one of Send, or StartStream followed
// by Write... and End, answers; calls after the answer ends, or after the
// client went away, are ignored.
class Exchange {
 public:
  virtual ~Exchange() = default;
  virtual void Send(Response response) = 0;
  // A streamed answer in chunked transfer encoding: the status and headers
  // now, the body as Write calls come, then End.
  virtual void StartStream(int status, Headers headers) = 0;
  virtual void Write(std::string data) = 0;
  virtual void End() = 0;
  // `gone` is called once, on a listener thread, when the client goes away
  // (closes, resets, or the listener stops) before the answer has been
  // written whole. Set it before answering; never called after the answer
  // is written.
  virtual void OnGone(std::function<void()> gone) = 0;
};

// Called on a listener thread for every request read; must not block.
using Handler = std::function<void(Request, std::shared_ptr<Exchange>)>;

struct ListenerOptions {
  // TLS (PEM files), as the gRPC port's --tls_cert, --tls_key and
  // --tls_client_ca; all empty: plaintext.
  std::string cert_file;
  std::string key_file;
  std::string client_ca_file;
  // Threads that run the event loop. Connections wait on it, not on
  // threads: one thread serves thousands of waiting streams.
  int threads = 1;
  std::size_t max_body_bytes = 1 << 20;
  std::size_t max_header_bytes = 16 << 10;
  // Connections beyond this are closed as soon as they are accepted.
  int max_connections = 16384;
  // A connection with no request in progress for this long is closed (it
  // also bounds a client that sends a request too slowly).
  absl::Duration idle_timeout = absl::Seconds(60);
  // Called with the number of open connections each time it changes, from
  // a listener thread (for a gauge). Unset: nothing.
  std::function<void(int connections)> on_connections;
  // The answer to a request the listener refuses itself (malformed, headers
  // or body over the limits) before the connection closes. Unset: plain
  // text.
  std::function<Response(int status, const std::string& message)> refusal;
};

// The requests `bytes` hold, read as a connection reads them: the same
// parser and limits, header names in lower case. Reading stops at the end
// of the bytes, at a request that does not keep the connection open, or at
// one the listener refuses: then `refusal` holds the status and message it
// answers with. For tests and fuzzing.
struct ParsedRequests {
  std::vector<Request> requests;
  int refusal_status = 0;  // 0: none
  std::string refusal_message;
};
ParsedRequests ParseRequests(absl::string_view bytes,
                             const ListenerOptions& options);

// An HTTP/1.1 server on Boost.Beast: requests are read by an event loop on
// a few threads, each connection serialised on its own strand, so a
// client waiting on a slow answer holds memory, not a thread. While an
// answer is pending the connection keeps reading, so that a client that
// closes its connection is noticed at once (Exchange::OnGone); a request
// pipelined behind it waits for that answer.
class Listener {
 public:
  // Binds `address` (host:port; port 0 picks one). Errors (InvalidArgument)
  // name `flag` for the address and the --tls_* flags for the files.
  static absl::StatusOr<std::unique_ptr<Listener>> Start(
      const std::string& address, const std::string& flag,
      ListenerOptions options, Handler handler);
  ~Listener();

  int port() const;
  // Connections open now.
  int connections() const;
  // Answers in progress (a request dispatched and not yet written whole).
  int answers_in_progress() const;
  // Closes the listening socket: open connections finish their answers.
  void StopAccepting();
  // Waits up to `grace` for answers in progress to be written.
  void AwaitAnswers(absl::Duration grace);

  class Impl;

 private:
  explicit Listener(std::unique_ptr<Impl> impl);
  std::unique_ptr<Impl> impl_;
};

}  // namespace arts::http

#endif  // ARTS_SERVER_HTTP_HTTP_LISTENER_H_
