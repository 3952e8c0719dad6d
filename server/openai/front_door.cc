#include "server/openai/front_door.h"

#include <chrono>
#include <cmath>
#include <nlohmann/json.hpp>
#include <optional>
#include <utility>

#include "absl/strings/match.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"
#include "server/openai/openai_request.h"
#include "server/openai/openai_response.h"
#include "server/openai/search_page.h"

namespace arts::openai {
namespace {

using nlohmann::json;

constexpr char kChatPath[] = "/v1/chat/completions";
constexpr char kCompletionsPath[] = "/v1/completions";
constexpr char kModelsPath[] = "/v1/models";
constexpr char kHealthPath[] = "/healthz";
constexpr char kPagePath[] = "/search";

http::Response JsonResponse(int status, std::string body) {
  return {status, {{"Content-Type", "application/json"}}, std::move(body)};
}

http::Response ErrorResponse(const ApiError& error) {
  http::Response response = JsonResponse(error.http_status, ErrorBody(error));
  if (error.retry_after.has_value()) {
    // Retry-After has whole seconds; the OpenAI SDKs read retry-after-ms
    // first.
    const int64_t ms = absl::ToInt64Milliseconds(*error.retry_after);
    response.headers.emplace_back(
        "Retry-After", absl::StrCat(std::max<int64_t>(1, (ms + 999) / 1000)));
    response.headers.emplace_back("retry-after-ms", absl::StrCat(ms));
  }
  return response;
}

absl::Status FromGrpc(const grpc::Status& status) {
  return absl::Status(static_cast<absl::StatusCode>(status.error_code()),
                      status.error_message());
}

// The error a finished call gives, with its retry pushback.
ApiError CallError(const grpc::Status& status, grpc::ClientContext& context,
                   Api api) {
  ApiError error = ErrorFor(FromGrpc(status), api);
  if (status.error_code() == grpc::StatusCode::RESOURCE_EXHAUSTED) {
    const auto& trailers = context.GetServerTrailingMetadata();
    auto it = trailers.find("grpc-retry-pushback-ms");
    int64_t ms = 0;
    if (it != trailers.end() &&
        absl::SimpleAtoi(
            absl::string_view(it->second.data(), it->second.size()), &ms)) {
      error.retry_after = absl::Milliseconds(ms);
    } else {
      error.retry_after = absl::Seconds(1);
    }
  }
  return error;
}

// Times one request for its endpoint's metrics.
class RequestTimer {
 public:
  explicit RequestTimer(const FrontDoor::Endpoint* endpoint)
      : endpoint_(endpoint), start_(absl::Now()) {}
  void Done(int http_status) {
    if (endpoint_ == nullptr || done_) return;
    done_ = true;
    endpoint_->requests
        ->Add({{"endpoint", endpoint_->name},
               {"code", absl::StrCat(http_status)}})
        .Increment();
    endpoint_->seconds->Observe(absl::ToDoubleSeconds(absl::Now() - start_));
  }

 private:
  const FrontDoor::Endpoint* endpoint_;
  absl::Time start_;
  bool done_ = false;
};

// Sets what a request's call carries: its token and its deadline.
absl::Status PrepareContext(const http::Request& request,
                            const SearchCall& call,
                            grpc::ClientContext& context) {
  const absl::string_view authorization = request.Header("authorization");
  if (!authorization.empty()) {
    for (char c : authorization) {
      if (c < 0x20 || c > 0x7e) {
        return absl::UnauthenticatedError(
            "the Authorization header holds characters a token cannot");
      }
    }
    context.AddMetadata("authorization", std::string(authorization));
  }
  // The deadline: arts.deadline_ms, or the SDK's own timeout (the OpenAI
  // SDKs send it as X-Stainless-Timeout, in seconds), whichever is sooner.
  std::optional<absl::Duration> deadline = call.deadline;
  double sdk_seconds = 0;
  if (absl::SimpleAtod(request.Header("x-stainless-timeout"), &sdk_seconds) &&
      std::isfinite(sdk_seconds) && sdk_seconds > 0) {
    const absl::Duration sdk = absl::Seconds(std::min(sdk_seconds, 86400.0));
    deadline = deadline.has_value() ? std::min(*deadline, sdk) : sdk;
  }
  if (deadline.has_value()) {
    context.set_deadline(absl::ToChronoTime(absl::Now() + *deadline));
  }
  return absl::OkStatus();
}

// One request that is not streamed: a unary Solve.
class UnaryCall : public std::enable_shared_from_this<UnaryCall> {
 public:
  UnaryCall(SearchCall call, std::shared_ptr<http::Exchange> exchange,
            const FrontDoor::Endpoint* endpoint)
      : call_(std::move(call)),
        identity_(NewIdentity(call_)),
        exchange_(std::move(exchange)),
        timer_(endpoint) {}

  void Start(const http::Request& request, arts::v1::Orchestrator::Stub& stub) {
    if (absl::Status s = PrepareContext(request, call_, context_); !s.ok()) {
      Answer(ErrorResponse(ErrorFor(s, call_.api)));
      return;
    }
    std::weak_ptr<UnaryCall> weak = weak_from_this();
    exchange_->OnGone([weak] {
      if (auto self = weak.lock()) self->context_.TryCancel();
    });
    stub.async()->Solve(&context_, &call_.solve, &response_,
                        [self = shared_from_this()](grpc::Status status) {
                          self->OnDone(status);
                        });
  }

 private:
  void OnDone(const grpc::Status& status) {
    if (status.ok()) {
      Answer(JsonResponse(200, CompletionBody(call_, identity_, response_)));
    } else {
      Answer(ErrorResponse(CallError(status, context_, call_.api)));
    }
    exchange_->OnGone(nullptr);
  }

  void Answer(http::Response response) {
    timer_.Done(response.status);
    exchange_->Send(std::move(response));
  }

  SearchCall call_;
  CallIdentity identity_;
  std::shared_ptr<http::Exchange> exchange_;
  RequestTimer timer_;
  grpc::ClientContext context_;
  arts::v1::SolveResponse response_;
};

// One streamed request: a SolveStream whose events become server-sent
// events. The HTTP status waits for the first event, so that a refusal
// (a bad token, no room) is still an HTTP error with its status.
class StreamCall : public grpc::ClientReadReactor<arts::v1::SolveEvent> {
 public:
  StreamCall(SearchCall call, std::shared_ptr<http::Exchange> exchange,
             const FrontDoor::Endpoint* endpoint)
      : call_(std::move(call)),
        identity_(NewIdentity(call_)),
        exchange_(std::move(exchange)),
        timer_(endpoint) {}

  // Owns itself from here until OnDone.
  static void Start(std::unique_ptr<StreamCall> owned,
                    const http::Request& request,
                    arts::v1::Orchestrator::Stub& stub) {
    std::shared_ptr<StreamCall> self(owned.release());
    if (absl::Status s = PrepareContext(request, self->call_, self->context_);
        !s.ok()) {
      self->exchange_->Send(ErrorResponse(ErrorFor(s, self->call_.api)));
      self->timer_.Done(401);
      return;
    }
    self->self_ = self;
    std::weak_ptr<StreamCall> weak = self;
    self->exchange_->OnGone([weak] {
      if (auto call = weak.lock()) call->context_.TryCancel();
    });
    stub.async()->SolveStream(&self->context_, &self->call_.solve, self.get());
    self->StartRead(&self->event_);
    self->StartCall();
  }

  void OnReadDone(bool ok) override {
    if (!ok) return;  // OnDone follows
    if (event_.has_final_response()) {
      final_ = std::move(*event_.mutable_final_response());
    } else {
      BeginStream();
      exchange_->Write(ProgressEvent(call_, identity_, event_));
    }
    event_.Clear();
    StartRead(&event_);
  }

  void OnDone(const grpc::Status& status) override {
    if (status.ok() && final_.has_value()) {
      BeginStream();
      exchange_->Write(FinalEvents(call_, identity_, *final_));
      exchange_->End();
      timer_.Done(200);
    } else {
      const ApiError error =
          status.ok()
              ? ErrorFor(
                    absl::InternalError("the search ended without a response"),
                    call_.api)
              : CallError(status, context_, call_.api);
      if (streaming_) {
        exchange_->Write(ErrorEvent(error));
        exchange_->End();
      } else {
        exchange_->Send(ErrorResponse(error));
      }
      timer_.Done(error.http_status);
    }
    exchange_->OnGone(nullptr);
    self_.reset();  // may delete this
  }

 private:
  void BeginStream() {
    if (streaming_) return;
    streaming_ = true;
    exchange_->StartStream(200, {{"Content-Type", "text/event-stream"},
                                 {"Cache-Control", "no-cache"}});
  }

  SearchCall call_;
  CallIdentity identity_;
  std::shared_ptr<http::Exchange> exchange_;
  RequestTimer timer_;
  grpc::ClientContext context_;
  arts::v1::SolveEvent event_;
  std::optional<arts::v1::SolveResponse> final_;
  bool streaming_ = false;
  std::shared_ptr<StreamCall> self_;
};

}  // namespace

FrontDoor::FrontDoor(FrontDoorOptions options, prometheus::Registry& registry)
    : options_(std::move(options)),
      requests_(prometheus::BuildCounter()
                    .Name("arts_http_requests_total")
                    .Help("HTTP requests to the OpenAI-compatible API, by "
                          "endpoint and HTTP status")
                    .Register(registry)),
      seconds_(prometheus::BuildHistogram()
                   .Name("arts_http_request_seconds")
                   .Help("Time from an HTTP request read to its answer "
                         "queued, by endpoint")
                   .Register(registry)),
      connections_(prometheus::BuildGauge()
                       .Name("arts_http_connections")
                       .Help("Open HTTP connections")
                       .Register(registry)
                       .Add({})) {
  for (const char* name : {"chat_completions", "completions", "models",
                           "healthz", "page", "other"}) {
    prometheus::Histogram::BucketBoundaries buckets;
    for (double b = 0.001; buckets.size() < 18; b *= 2) buckets.push_back(b);
    endpoints_[name] = {&requests_,
                        &seconds_.Add({{"endpoint", name}}, buckets), name};
  }
  backends_ = options_.backends;
  options_.listener.on_connections = [this](int connections) {
    connections_.Set(connections);
  };
  options_.listener.refusal = [](int status, const std::string& message) {
    return ErrorResponse(HttpError(status, message));
  };
}

FrontDoor::~FrontDoor() = default;

absl::StatusOr<std::string> FrontDoor::Start(grpc::Server& server) {
  grpc::ChannelArguments args;
  args.SetMaxReceiveMessageSize(-1);
  channel_ = server.InProcessChannel(args);
  orchestrator_ = arts::v1::Orchestrator::NewStub(channel_);
  health_ = grpc::health::v1::Health::NewStub(channel_);
  absl::StatusOr<std::unique_ptr<http::Listener>> listener =
      http::Listener::Start(options_.listen, "--http_listen", options_.listener,
                            [this](http::Request request,
                                   std::shared_ptr<http::Exchange> exchange) {
                              Handle(std::move(request), std::move(exchange));
                            });
  if (!listener.ok()) return listener.status();
  listener_ = *std::move(listener);
  std::string line = absl::StrCat("HTTP on port ", listener_->port());
  if (!options_.listener.cert_file.empty()) absl::StrAppend(&line, " (TLS)");
  return line;
}

void FrontDoor::StopAccepting() {
  if (listener_ != nullptr) listener_->StopAccepting();
}

void FrontDoor::Stop(absl::Duration grace) {
  if (listener_ == nullptr) return;
  listener_->AwaitAnswers(grace);
  listener_.reset();
}

void FrontDoor::SetBackends(std::map<std::string, std::string> backends) {
  absl::MutexLock lock(&mu_);
  backends_ = std::move(backends);
}

int FrontDoor::port() const {
  return listener_ == nullptr ? 0 : listener_->port();
}

void FrontDoor::Handle(http::Request request,
                       std::shared_ptr<http::Exchange> exchange) {
  const absl::string_view path = request.Path();
  const auto wrong_method = [&](const char* allowed, const Endpoint& endpoint) {
    http::Response response = ErrorResponse(HttpError(
        405, absl::StrCat(request.method, " ", path, ": use ", allowed)));
    response.headers.emplace_back("Allow", allowed);
    RequestTimer(&endpoint).Done(405);
    exchange->Send(std::move(response));
  };
  if (path == kChatPath || path == kCompletionsPath) {
    const bool chat = path == kChatPath;
    const Endpoint& endpoint =
        endpoints_.at(chat ? "chat_completions" : "completions");
    if (request.method != "POST") return wrong_method("POST", endpoint);
    const Api api = chat ? Api::kChatCompletions : Api::kCompletions;
    absl::StatusOr<SearchCall> call = ParseSearchCall(api, request.body);
    if (!call.ok()) {
      const ApiError error = ErrorFor(call.status(), api);
      RequestTimer(&endpoint).Done(error.http_status);
      exchange->Send(ErrorResponse(error));
      return;
    }
    if (call->stream) {
      StreamCall::Start(std::make_unique<StreamCall>(
                            *std::move(call), std::move(exchange), &endpoint),
                        request, *orchestrator_);
    } else {
      std::make_shared<UnaryCall>(*std::move(call), std::move(exchange),
                                  &endpoint)
          ->Start(request, *orchestrator_);
    }
    return;
  }
  if (path == kModelsPath || absl::StartsWith(path, "/v1/models/")) {
    const Endpoint& endpoint = endpoints_.at("models");
    if (request.method != "GET") return wrong_method("GET", endpoint);
    return Models(request, *exchange);
  }
  if (path == "/" || path == kPagePath) {
    if (request.method != "GET") {
      return wrong_method("GET", endpoints_.at("page"));
    }
    RequestTimer(&endpoints_.at("page")).Done(200);
    exchange->Send({200,
                    {{"Content-Type", "text/html; charset=utf-8"},
                     {"Cache-Control", "no-cache"}},
                    std::string(SearchPage())});
    return;
  }
  if (path == kHealthPath) {
    if (request.method != "GET") {
      return wrong_method("GET", endpoints_.at("healthz"));
    }
    return Health(std::move(exchange));
  }
  RequestTimer(&endpoints_.at("other")).Done(404);
  exchange->Send(ErrorResponse(HttpError(
      404, absl::StrCat("no endpoint ", path, " (POST ", kChatPath, ", POST ",
                        kCompletionsPath, ", GET ", kModelsPath, ", GET ",
                        kHealthPath, ", GET / for the search page)"))));
}

bool FrontDoor::Authorized(const http::Request& request,
                           http::Exchange& exchange) {
  if (!options_.check_token) return true;
  const absl::Status status =
      options_.check_token(request.Header("authorization"));
  if (status.ok()) return true;
  const ApiError error = ErrorFor(status, Api::kChatCompletions);
  RequestTimer(&endpoints_.at("models")).Done(error.http_status);
  exchange.Send(ErrorResponse(error));
  return false;
}

void FrontDoor::Models(const http::Request& request, http::Exchange& exchange) {
  if (!Authorized(request, exchange)) return;
  json backends = json::object();
  {
    absl::MutexLock lock(&mu_);
    for (const auto& [role, model] : backends_) backends[role] = model;
  }
  const auto entry = [&](const std::string& name) {
    return json{{"id", name},
                {"object", "model"},
                {"created", 0},
                {"owned_by", "arts-serving"},
                {"arts", {{"strategy", name}, {"backends", backends}}}};
  };
  const absl::string_view path = request.Path();
  RequestTimer timer(&endpoints_.at("models"));
  if (path == kModelsPath) {
    json data = json::array();
    for (const std::string& name : ModelNames()) data.push_back(entry(name));
    timer.Done(200);
    exchange.Send(
        JsonResponse(200, JsonText(json{{"object", "list"}, {"data", data}})));
    return;
  }
  const std::string id(path.substr(absl::string_view(kModelsPath).size() + 1));
  absl::StatusOr<arts::v1::Strategy> strategy = StrategyOfModel(id);
  if (!strategy.ok()) {
    const ApiError error = ErrorFor(strategy.status(), Api::kChatCompletions);
    timer.Done(error.http_status);
    exchange.Send(ErrorResponse(error));
    return;
  }
  timer.Done(200);
  exchange.Send(JsonResponse(200, JsonText(entry(id))));
}

void FrontDoor::Health(std::shared_ptr<http::Exchange> exchange) {
  struct Check {
    Check(std::shared_ptr<http::Exchange> e, const Endpoint* endpoint)
        : exchange(std::move(e)), timer(endpoint) {}
    grpc::ClientContext context;
    grpc::health::v1::HealthCheckRequest request;
    grpc::health::v1::HealthCheckResponse response;
    std::shared_ptr<http::Exchange> exchange;
    RequestTimer timer;
  };
  auto check =
      std::make_shared<Check>(std::move(exchange), &endpoints_.at("healthz"));
  check->context.set_deadline(std::chrono::system_clock::now() +
                              std::chrono::seconds(2));
  health_->async()->Check(
      &check->context, &check->request, &check->response,
      [check](grpc::Status status) {
        const bool serving =
            status.ok() && check->response.status() ==
                               grpc::health::v1::HealthCheckResponse::SERVING;
        const int code = serving ? 200 : 503;
        check->timer.Done(code);
        check->exchange->Send(JsonResponse(
            code,
            JsonText(json{{"status", serving ? "SERVING" : "NOT_SERVING"}})));
      });
}

}  // namespace arts::openai
