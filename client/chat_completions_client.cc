#include "client/chat_completions_client.h"

#include <boost/asio/connect.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <chrono>
#include <nlohmann/json.hpp>
#include <utility>

#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_replace.h"

namespace arts::client {
namespace {

namespace beast = boost::beast;
namespace bhttp = boost::beast::http;
namespace net = boost::asio;
using tcp = net::ip::tcp;
using nlohmann::json;

std::string ModelOf(arts::v1::Strategy strategy) {
  if (strategy == arts::v1::STRATEGY_UNSPECIFIED) return "arts";
  return absl::StrReplaceAll(
      absl::AsciiStrToLower(arts::v1::Strategy_Name(strategy)), {{"_", "-"}});
}

}  // namespace

std::string ChatCompletionBody(const arts::v1::SolveRequest& request,
                               bool stream) {
  json body = {
      {"model", ModelOf(request.strategy())},
      {"messages",
       json::array({{{"role", "user"}, {"content", request.problem()}}})},
      {"seed", request.seed()},
      {"stream", stream}};
  if (request.top_n() > 0) body["n"] = request.top_n();
  if (request.has_temperature()) body["temperature"] = request.temperature();
  if (request.has_top_p()) body["top_p"] = request.top_p();
  if (request.budget().has_max_tokens()) {
    body["max_tokens"] = request.budget().max_tokens();
  }
  json arts = json::object();
  const arts::v1::SearchParams& params = request.params();
  if (params.has_n()) arts["n"] = params.n();
  if (params.has_beam_width()) arts["beam_width"] = params.beam_width();
  if (params.has_proposals()) arts["proposals"] = params.proposals();
  if (params.has_expand_width()) arts["expand_width"] = params.expand_width();
  if (params.has_tilt_pool()) arts["tilt_pool"] = params.tilt_pool();
  if (params.has_stop_after_answers()) {
    arts["stop_after_answers"] = params.stop_after_answers();
  }
  if (params.has_stop_confidence()) {
    arts["stop_confidence"] = params.stop_confidence();
  }
  if (params.flow_tilted()) arts["flow_tilted"] = true;
  if (params.aggregation() != arts::v1::AGGREGATION_UNSPECIFIED) {
    arts["aggregation"] =
        absl::AsciiStrToLower(arts::v1::Aggregation_Name(params.aggregation()));
  }
  if (request.budget().max_expansions() > 0) {
    arts["max_expansions"] = request.budget().max_expansions();
  }
  if (!request.task().empty()) arts["task"] = request.task();
  if (request.constrained()) arts["constrained"] = true;
  if (request.allow_unverified()) arts["allow_unverified"] = true;
  if (request.trace_tree()) arts["trace_tree"] = true;
  if (!arts.empty()) body["arts"] = arts;
  return body.dump(-1, ' ', false, json::error_handler_t::replace);
}

absl::Status StatusOfHttp(int http_status, const std::string& body) {
  if (http_status == 200) return absl::OkStatus();
  std::string message = body;
  const json parsed = json::parse(body, nullptr, /*allow_exceptions=*/false);
  if (parsed.is_object() && parsed.contains("error") &&
      parsed["error"].is_object() && parsed["error"].contains("message") &&
      parsed["error"]["message"].is_string()) {
    message = parsed["error"]["message"].get<std::string>();
  }
  message = absl::StrCat("HTTP ", http_status, ": ", message);
  switch (http_status) {
    case 400:
      return absl::InvalidArgumentError(message);
    case 401:
      return absl::UnauthenticatedError(message);
    case 403:
      return absl::PermissionDeniedError(message);
    case 404:
      return absl::NotFoundError(message);
    case 408:
    case 504:
      return absl::DeadlineExceededError(message);
    case 429:
      return absl::ResourceExhaustedError(message);
    case 503:
      return absl::UnavailableError(message);
    default:
      return http_status >= 500 ? absl::InternalError(message)
                                : absl::UnknownError(message);
  }
}

class ChatCompletionsClient::Connection {
 public:
  absl::Status Open(const std::string& host, const std::string& port,
                    absl::Duration timeout) {
    beast::error_code ec;
    const auto endpoints = tcp::resolver(ioc_).resolve(host, port, ec);
    if (ec)
      return absl::UnavailableError(absl::StrCat("resolve: ", ec.message()));
    stream_.expires_after(
        std::chrono::milliseconds(absl::ToInt64Milliseconds(timeout)));
    stream_.connect(endpoints, ec);
    if (ec)
      return absl::UnavailableError(absl::StrCat("connect: ", ec.message()));
    return absl::OkStatus();
  }

  // One request and its whole answer; `reusable` says whether the
  // connection may carry the next.
  absl::Status RoundTrip(const bhttp::request<bhttp::string_body>& request,
                         absl::Duration timeout, bool& reusable) {
    reusable = false;
    beast::error_code ec;
    stream_.expires_after(
        std::chrono::milliseconds(absl::ToInt64Milliseconds(timeout)));
    bhttp::write(stream_, request, ec);
    if (ec)
      return absl::UnavailableError(absl::StrCat("write: ", ec.message()));
    bhttp::response_parser<bhttp::string_body> parser;
    parser.body_limit(64 << 20);
    bhttp::read(stream_, buffer_, parser, ec);
    if (ec == beast::error::timeout) {
      return absl::DeadlineExceededError("no answer before the timeout");
    }
    if (ec) return absl::UnavailableError(absl::StrCat("read: ", ec.message()));
    const auto& response = parser.get();
    reusable = response.keep_alive();
    absl::Status status =
        StatusOfHttp(static_cast<int>(response.result_int()), response.body());
    if (status.ok() &&
        request.body().find("\"stream\":true") != std::string::npos) {
      if (!absl::StrContains(response.body(), "data: [DONE]") ||
          absl::StrContains(response.body(), "data: {\"error\"")) {
        return absl::InternalError("the stream ended without [DONE]");
      }
    }
    return status;
  }

 private:
  net::io_context ioc_;
  beast::tcp_stream stream_{ioc_};
  beast::flat_buffer buffer_;
};

ChatCompletionsClient::ChatCompletionsClient(std::string address,
                                             std::string token)
    : token_(std::move(token)) {
  const size_t colon = address.rfind(':');
  host_ = address.substr(0, colon);
  port_ = colon == std::string::npos ? "80" : address.substr(colon + 1);
}

ChatCompletionsClient::~ChatCompletionsClient() = default;

absl::Status ChatCompletionsClient::Solve(const arts::v1::SolveRequest& request,
                                          bool stream, absl::Duration timeout) {
  bhttp::request<bhttp::string_body> http{bhttp::verb::post,
                                          "/v1/chat/completions", 11};
  http.set(bhttp::field::host, host_);
  http.set(bhttp::field::content_type, "application/json");
  if (!token_.empty()) {
    http.set(bhttp::field::authorization, "Bearer " + token_);
  }
  // The timeout travels as the OpenAI SDKs send theirs.
  http.set("X-Stainless-Timeout", absl::StrCat(absl::ToDoubleSeconds(timeout)));
  http.body() = ChatCompletionBody(request, stream);
  http.prepare_payload();
  if (connection_ == nullptr) {
    auto connection = std::make_unique<Connection>();
    if (absl::Status s = connection->Open(host_, port_, timeout); !s.ok()) {
      return s;
    }
    connection_ = std::move(connection);
  }
  bool reusable = false;
  absl::Status status = connection_->RoundTrip(http, timeout, reusable);
  if (!reusable) connection_.reset();
  return status;
}

}  // namespace arts::client
