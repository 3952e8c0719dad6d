#include "server/http/http_listener.h"

#include <algorithm>
#include <array>
#include <atomic>
#include <boost/asio/executor_work_guard.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/ssl.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/strand.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <boost/beast/ssl.hpp>
#include <cctype>
#include <chrono>
#include <cstdint>
#include <deque>
#include <optional>
#include <thread>
#include <tuple>

#include "absl/base/thread_annotations.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/synchronization/mutex.h"
#include "absl/time/clock.h"

namespace arts::http {
namespace {

namespace beast = boost::beast;
namespace bhttp = boost::beast::http;
namespace net = boost::asio;
using tcp = net::ip::tcp;
using ErrorCode = boost::system::error_code;

// What posts onto a connection after the listener stopped must find: posts
// are refused once `running` is false (the event loop may be gone).
struct LoopState {
  absl::Mutex mu;
  bool running ABSL_GUARDED_BY(mu) = true;
};

// What every connection of one listener shares.
struct Shared {
  ListenerOptions options;
  Handler handler;
  std::shared_ptr<LoopState> loop = std::make_shared<LoopState>();
  std::atomic<int> connections{0};
  std::atomic<int> answers{0};
};

// One write of an answer.
struct WriteOp {
  enum class Kind { kWhole, kHead, kChunk, kLast };
  Kind kind = Kind::kWhole;
  Response response;  // kWhole (all of it), kHead (status and headers)
  std::string data;   // kChunk
};

// A connection as its answers see it.
class AnswerSink {
 public:
  virtual ~AnswerSink() = default;
  // Runs `op` for answer `seq` on the connection's executor.
  virtual void Post(std::uint64_t seq, WriteOp op) = 0;
};

class ExchangeImpl final : public Exchange {
 public:
  ExchangeImpl(std::weak_ptr<AnswerSink> sink, std::uint64_t seq,
               std::shared_ptr<LoopState> loop)
      : sink_(std::move(sink)), seq_(seq), loop_(std::move(loop)) {}

  void Send(Response response) override {
    Post({WriteOp::Kind::kWhole, std::move(response), {}});
  }
  void StartStream(int status, Headers headers) override {
    Post({WriteOp::Kind::kHead, Response{status, std::move(headers), {}}, {}});
  }
  void Write(std::string data) override {
    if (data.empty()) return;  // an empty chunk would end the body
    Post({WriteOp::Kind::kChunk, {}, std::move(data)});
  }
  void End() override { Post({WriteOp::Kind::kLast, {}, {}}); }
  void OnGone(std::function<void()> gone) override {
    absl::MutexLock lock(&mu_);
    gone_ = std::move(gone);
  }

  // On the connection's executor, at most once.
  void Gone() {
    std::function<void()> gone;
    {
      absl::MutexLock lock(&mu_);
      gone = std::move(gone_);
      gone_ = nullptr;
    }
    if (gone) gone();
  }

 private:
  void Post(WriteOp op) {
    absl::MutexLock lock(&loop_->mu);
    if (!loop_->running) return;
    if (std::shared_ptr<AnswerSink> sink = sink_.lock()) {
      sink->Post(seq_, std::move(op));
    }
  }

  const std::weak_ptr<AnswerSink> sink_;
  const std::uint64_t seq_;
  const std::shared_ptr<LoopState> loop_;
  absl::Mutex mu_;
  std::function<void()> gone_ ABSL_GUARDED_BY(mu_);
};

std::string Lower(beast::string_view text) {
  std::string out(text.data(), text.size());
  std::transform(out.begin(), out.end(), out.begin(),
                 [](unsigned char c) { return std::tolower(c); });
  return out;
}

using Parser = bhttp::request_parser<bhttp::string_body>;

void ConfigureParser(Parser& parser, const ListenerOptions& options) {
  parser.header_limit(static_cast<std::uint32_t>(options.max_header_bytes));
  parser.body_limit(options.max_body_bytes);
}

Request ToRequest(bhttp::request<bhttp::string_body> message) {
  Request request;
  request.method = std::string(message.method_string());
  request.target = std::string(message.target());
  for (const auto& field : message) {
    request.headers.emplace_back(Lower(field.name_string()),
                                 std::string(field.value()));
  }
  request.body = std::move(message.body());
  return request;
}

// The HTTP status and message the listener answers a read error with; 0
// when the connection just closes (closed, reset, timed out, truncated).
std::pair<int, std::string> Refusal(const ErrorCode& ec,
                                    const ListenerOptions& options) {
  if (ec == bhttp::error::body_limit) {
    return {400, absl::StrCat("the request body is over the limit of ",
                              options.max_body_bytes, " bytes")};
  }
  if (ec == bhttp::error::header_limit) {
    return {400, absl::StrCat("the request headers are over the limit of ",
                              options.max_header_bytes, " bytes")};
  }
  if (ec.category() ==
          bhttp::make_error_code(bhttp::error::end_of_stream).category() &&
      ec != bhttp::error::end_of_stream &&
      ec != bhttp::error::partial_message) {
    return {400, absl::StrCat("malformed HTTP request: ", ec.message())};
  }
  return {0, ""};
}

// One connection, on its own strand; `Stream` is a beast::tcp_stream or a
// TLS stream over one. Its state is touched only on that strand.
template <class Stream>
class Session final : public AnswerSink,
                      public std::enable_shared_from_this<Session<Stream>> {
 public:
  Session(Stream stream, Shared& shared)
      : stream_(std::move(stream)),
        shared_(shared),
        idle_(stream_.get_executor()) {
    Count(++shared_.connections);
  }
  ~Session() override { Count(--shared_.connections); }

  void Count(int connections) {
    if (shared_.options.on_connections) {
      shared_.options.on_connections(connections);
    }
  }

  void Run() {
    ArmIdle();
    if constexpr (std::is_same_v<Stream, beast::tcp_stream>) {
      Read();
    } else {
      stream_.async_handshake(net::ssl::stream_base::server,
                              [self = this->shared_from_this()](ErrorCode ec) {
                                if (ec) {
                                  self->Close();
                                } else {
                                  self->Read();
                                }
                              });
    }
  }

  void Post(std::uint64_t seq, WriteOp op) override {
    net::post(stream_.get_executor(),
              [self = this->shared_from_this(), seq, op = std::move(op)]() {
                self->Enqueue(seq, std::move(op));
              });
  }

 private:
  void Read() {
    parser_.emplace();
    ConfigureParser(*parser_, shared_.options);
    reading_ = true;
    bhttp::async_read(stream_, buffer_, *parser_,
                      [self = this->shared_from_this()](
                          ErrorCode ec, std::size_t) { self->OnRead(ec); });
  }

  void OnRead(ErrorCode ec) {
    reading_ = false;
    if (closed_) return;
    if (ec) {
      if (answering_) {
        // The client went away (or broke the protocol) mid-answer.
        NotifyGone();
        Close();
        return;
      }
      const auto [status, message] = Refusal(ec, shared_.options);
      if (status != 0) {
        Refuse(status, message);
      } else {
        Close();  // closed, reset, timed out
      }
      return;
    }
    bhttp::request<bhttp::string_body> message = parser_->release();
    const bool keep_alive = message.keep_alive();
    Request request = ToRequest(std::move(message));
    if (answering_) {
      pipelined_.emplace(std::move(request), keep_alive);
      return;  // read no further until this one is answered
    }
    Begin(std::move(request), keep_alive);
  }

  void Begin(Request request, bool keep_alive) {
    idle_.cancel();
    StartAnswer(keep_alive);
    auto exchange = std::make_shared<ExchangeImpl>(this->weak_from_this(), seq_,
                                                   shared_.loop);
    answer_ = exchange;
    // Keep reading: a close now is the client going away.
    if (!reading_) Read();
    try {
      shared_.handler(std::move(request), exchange);
    } catch (const std::exception& e) {
      // A handler's bug answers its own request, and the server goes on.
      Response response;
      if (shared_.options.refusal) {
        response = shared_.options.refusal(
            500, absl::StrCat("internal error: ", e.what()));
      } else {
        response = {500, {}, absl::StrCat("internal error: ", e.what())};
      }
      exchange->Send(std::move(response));
    }
  }

  void StartAnswer(bool keep_alive) {
    answering_ = true;
    keep_alive_ = keep_alive;
    ++seq_;
    ++shared_.answers;
  }

  // The listener's own answer to a request it cannot take; then closes.
  void Refuse(int status, const std::string& message) {
    StartAnswer(/*keep_alive=*/false);
    Response response;
    if (shared_.options.refusal) {
      response = shared_.options.refusal(status, message);
    } else {
      response.status = status;
      response.headers = {{"Content-Type", "text/plain"}};
      response.body = message + "\n";
    }
    Enqueue(seq_, {WriteOp::Kind::kWhole, std::move(response), {}});
  }

  void Enqueue(std::uint64_t seq, WriteOp op) {
    if (closed_ || !answering_ || seq != seq_) return;
    writes_.push_back(std::move(op));
    if (!writing_) WriteNext();
  }

  template <class Message>
  void SetHead(Message& message, const Response& response) {
    message.result(static_cast<unsigned>(response.status));
    for (const auto& [name, value] : response.headers) {
      message.set(name, value);
    }
    message.keep_alive(keep_alive_);
  }

  void WriteNext() {
    if (writes_.empty() || closed_) return;
    writing_ = true;
    auto on_written = [self = this->shared_from_this()](
                          ErrorCode ec, std::size_t) { self->OnWritten(ec); };
    WriteOp& op = writes_.front();
    switch (op.kind) {
      case WriteOp::Kind::kWhole:
        whole_.emplace();
        SetHead(*whole_, op.response);
        whole_->body() = std::move(op.response.body);
        whole_->prepare_payload();
        bhttp::async_write(stream_, *whole_, std::move(on_written));
        break;
      case WriteOp::Kind::kHead:
        head_.emplace();
        SetHead(*head_, op.response);
        head_->chunked(true);
        head_writer_.emplace(*head_);
        bhttp::async_write_header(stream_, *head_writer_,
                                  std::move(on_written));
        break;
      case WriteOp::Kind::kChunk:
        net::async_write(stream_, bhttp::make_chunk(net::buffer(op.data)),
                         std::move(on_written));
        break;
      case WriteOp::Kind::kLast:
        net::async_write(stream_, bhttp::make_chunk_last(),
                         std::move(on_written));
        break;
    }
  }

  void OnWritten(ErrorCode ec) {
    writing_ = false;
    if (closed_) return;
    const WriteOp::Kind kind = writes_.front().kind;
    writes_.pop_front();
    if (ec) {
      NotifyGone();
      Close();
      return;
    }
    if (kind == WriteOp::Kind::kWhole || kind == WriteOp::Kind::kLast) {
      AnswerDone();
    } else {
      WriteNext();
    }
  }

  void AnswerDone() {
    EndAnswer();
    writes_.clear();
    if (!keep_alive_) {
      ErrorCode ignored;
      beast::get_lowest_layer(stream_).socket().shutdown(
          tcp::socket::shutdown_send, ignored);
      // Read on until the client closes (or the idle timeout), so that a
      // client still sending a body we refused reads our answer instead of
      // a reset.
      ArmIdle();
      if (!reading_) Drain();
      return;
    }
    if (pipelined_.has_value()) {
      auto [request, keep_alive] = *std::move(pipelined_);
      pipelined_.reset();
      Begin(std::move(request), keep_alive);
      return;
    }
    ArmIdle();
  }

  void Drain() {
    reading_ = true;
    stream_.async_read_some(
        net::buffer(drain_),
        [self = this->shared_from_this()](ErrorCode ec, std::size_t) {
          self->reading_ = false;
          if (ec || self->closed_) {
            self->Close();
          } else {
            self->Drain();
          }
        });
  }

  void EndAnswer() {
    if (!answering_) return;
    answering_ = false;
    answer_.reset();
    --shared_.answers;
  }

  void NotifyGone() {
    if (!answering_) return;
    std::shared_ptr<ExchangeImpl> answer = answer_;
    EndAnswer();
    if (answer != nullptr) answer->Gone();
  }

  void ArmIdle() {
    idle_.expires_after(std::chrono::milliseconds(
        absl::ToInt64Milliseconds(shared_.options.idle_timeout)));
    idle_.async_wait([self = this->shared_from_this()](ErrorCode ec) {
      if (!ec && !self->answering_) self->Close();
    });
  }

  void Close() {
    if (closed_) return;
    closed_ = true;
    idle_.cancel();
    ErrorCode ignored;
    beast::get_lowest_layer(stream_).socket().close(ignored);
  }

  Stream stream_;
  Shared& shared_;
  net::steady_timer idle_;
  beast::flat_buffer buffer_;
  std::optional<bhttp::request_parser<bhttp::string_body>> parser_;
  bool reading_ = false;
  bool writing_ = false;
  bool closed_ = false;
  // The answer in progress: its number (late writes of an earlier answer
  // are dropped) and the exchange its handler holds.
  bool answering_ = false;
  bool keep_alive_ = true;
  std::uint64_t seq_ = 0;
  std::shared_ptr<ExchangeImpl> answer_;
  std::optional<std::pair<Request, bool>> pipelined_;
  std::deque<WriteOp> writes_;
  std::array<char, 4096> drain_;  // what a closing client still sends
  // The message being written lives until its write completes.
  std::optional<bhttp::response<bhttp::string_body>> whole_;
  std::optional<bhttp::response<bhttp::empty_body>> head_;
  std::optional<bhttp::response_serializer<bhttp::empty_body>> head_writer_;
};

absl::StatusOr<std::pair<std::string, int>> SplitAddress(
    const std::string& address, const std::string& flag) {
  const std::size_t colon = address.rfind(':');
  int port = -1;
  if (colon == std::string::npos ||
      !absl::SimpleAtoi(address.substr(colon + 1), &port) || port < 0 ||
      port > 65535) {
    return absl::InvalidArgumentError(absl::StrCat(
        flag, ": expected host:port (port 0 picks one), got '", address, "'"));
  }
  std::string host = address.substr(0, colon);
  if (host.size() >= 2 && host.front() == '[' && host.back() == ']') {
    host = host.substr(1, host.size() - 2);
  }
  return std::make_pair(host, port);
}

}  // namespace

ParsedRequests ParseRequests(absl::string_view bytes,
                             const ListenerOptions& options) {
  ParsedRequests out;
  net::const_buffer rest(bytes.data(), bytes.size());
  while (rest.size() > 0) {
    Parser parser;
    ConfigureParser(parser, options);
    ErrorCode ec;
    while (!parser.is_done() && rest.size() > 0) {
      const std::size_t used = parser.put(rest, ec);
      rest += used;
      if (ec == bhttp::error::need_more) return out;  // truncated
      if (ec) break;
    }
    if (!ec && !parser.is_done()) return out;  // truncated
    if (ec) {
      std::tie(out.refusal_status, out.refusal_message) = Refusal(ec, options);
      return out;
    }
    const bool keep_alive = parser.get().keep_alive();
    out.requests.push_back(ToRequest(parser.release()));
    if (!keep_alive) break;
  }
  return out;
}

absl::string_view Request::Path() const {
  return absl::string_view(target).substr(0, target.find('?'));
}

absl::string_view Request::Header(absl::string_view name) const {
  for (const auto& [key, value] : headers) {
    if (key == name) return value;
  }
  return {};
}

class Listener::Impl {
 public:
  Impl(ListenerOptions options, Handler handler)
      : acceptor_(ioc_), work_(net::make_work_guard(ioc_)) {
    shared_.options = std::move(options);
    shared_.handler = std::move(handler);
  }

  ~Impl() {
    {
      absl::MutexLock lock(&shared_.loop->mu);
      shared_.loop->running = false;
    }
    work_.reset();
    ioc_.stop();
    for (std::thread& thread : threads_) thread.join();
  }

  absl::Status Open(const std::string& address, const std::string& flag) {
    const ListenerOptions& options = shared_.options;
    if (!options.cert_file.empty() || !options.key_file.empty()) {
      ssl_.emplace(net::ssl::context::tls_server);
      ErrorCode ec;
      ssl_->set_options(
          net::ssl::context::default_workarounds | net::ssl::context::no_sslv2 |
          net::ssl::context::no_sslv3 | net::ssl::context::no_tlsv1 |
          net::ssl::context::no_tlsv1_1);
      if (ssl_->use_certificate_chain_file(options.cert_file, ec); ec) {
        return absl::InvalidArgumentError(
            absl::StrCat("--tls_cert: cannot use '", options.cert_file,
                         "' for HTTP: ", ec.message()));
      }
      if (ssl_->use_private_key_file(options.key_file, net::ssl::context::pem,
                                     ec);
          ec) {
        return absl::InvalidArgumentError(
            absl::StrCat("--tls_key: cannot use '", options.key_file,
                         "' for HTTP: ", ec.message()));
      }
      if (!options.client_ca_file.empty()) {
        if (ssl_->load_verify_file(options.client_ca_file, ec); ec) {
          return absl::InvalidArgumentError(
              absl::StrCat("--tls_client_ca: cannot use '",
                           options.client_ca_file, "': ", ec.message()));
        }
        ssl_->set_verify_mode(net::ssl::verify_peer |
                              net::ssl::verify_fail_if_no_peer_cert);
      }
    }
    absl::StatusOr<std::pair<std::string, int>> split =
        SplitAddress(address, flag);
    if (!split.ok()) return split.status();
    ErrorCode ec;
    std::string host = split->first.empty() || split->first == "*"
                           ? std::string("0.0.0.0")
                           : split->first;
    if (host == "localhost") host = "127.0.0.1";
    const net::ip::address ip = net::ip::make_address(host, ec);
    if (ec) {
      return absl::InvalidArgumentError(absl::StrCat(
          flag, ": '", split->first, "' is not an IP address: ", ec.message()));
    }
    const tcp::endpoint endpoint(ip,
                                 static_cast<unsigned short>(split->second));
    acceptor_.open(endpoint.protocol(), ec);
    if (!ec) acceptor_.set_option(net::socket_base::reuse_address(true), ec);
    if (!ec) acceptor_.bind(endpoint, ec);
    if (!ec) acceptor_.listen(net::socket_base::max_listen_connections, ec);
    if (ec) {
      return absl::InvalidArgumentError(absl::StrCat(
          flag, ": cannot listen on ", address, ": ", ec.message()));
    }
    port_ = acceptor_.local_endpoint().port();
    Accept();
    const int threads = std::max(1, options.threads);
    for (int i = 0; i < threads; ++i) {
      threads_.emplace_back([this] { ioc_.run(); });
    }
    return absl::OkStatus();
  }

  int port() const { return port_; }
  const Shared& shared() const { return shared_; }

  void StopAccepting() {
    net::post(acceptor_.get_executor(), [this] {
      ErrorCode ignored;
      acceptor_.close(ignored);
    });
  }

 private:
  void Accept() {
    acceptor_.async_accept(net::make_strand(ioc_), [this](ErrorCode ec,
                                                          tcp::socket socket) {
      if (ec == net::error::operation_aborted || !acceptor_.is_open()) {
        return;
      }
      if (!ec) {
        if (shared_.connections.load() >= shared_.options.max_connections) {
          ErrorCode ignored;
          socket.close(ignored);
        } else if (ssl_.has_value()) {
          using TlsStream = beast::ssl_stream<beast::tcp_stream>;
          std::make_shared<Session<TlsStream>>(
              TlsStream(beast::tcp_stream(std::move(socket)), *ssl_), shared_)
              ->Run();
        } else {
          std::make_shared<Session<beast::tcp_stream>>(
              beast::tcp_stream(std::move(socket)), shared_)
              ->Run();
        }
      }
      Accept();
    });
  }

  // Destroyed in reverse: the event loop (and the connections its handlers
  // own) before the TLS context and what the connections share.
  Shared shared_;
  std::optional<net::ssl::context> ssl_;
  net::io_context ioc_;
  tcp::acceptor acceptor_;
  net::executor_work_guard<net::io_context::executor_type> work_;
  std::vector<std::thread> threads_;
  int port_ = 0;
};

absl::StatusOr<std::unique_ptr<Listener>> Listener::Start(
    const std::string& address, const std::string& flag,
    ListenerOptions options, Handler handler) {
  auto impl = std::make_unique<Impl>(std::move(options), std::move(handler));
  if (absl::Status opened = impl->Open(address, flag); !opened.ok()) {
    return opened;
  }
  return std::unique_ptr<Listener>(new Listener(std::move(impl)));
}

Listener::Listener(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}
Listener::~Listener() = default;

int Listener::port() const { return impl_->port(); }
int Listener::connections() const { return impl_->shared().connections; }
int Listener::answers_in_progress() const { return impl_->shared().answers; }
void Listener::StopAccepting() { impl_->StopAccepting(); }

void Listener::AwaitAnswers(absl::Duration grace) {
  const absl::Time until = absl::Now() + grace;
  while (answers_in_progress() > 0 && absl::Now() < until) {
    absl::SleepFor(absl::Milliseconds(10));
  }
}

}  // namespace arts::http
