#ifndef ARTS_SERVER_OPENAI_FRONT_DOOR_H_
#define ARTS_SERVER_OPENAI_FRONT_DOOR_H_

#include <grpcpp/grpcpp.h>
#include <prometheus/counter.h>
#include <prometheus/family.h>
#include <prometheus/gauge.h>
#include <prometheus/histogram.h>
#include <prometheus/registry.h>

#include <functional>
#include <map>
#include <memory>
#include <string>

#include "absl/base/thread_annotations.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "absl/synchronization/mutex.h"
#include "absl/time/time.h"
#include "arts/v1/orchestrator.grpc.pb.h"
#include "grpc/health/v1/health.grpc.pb.h"
#include "server/http/http_listener.h"

namespace arts::openai {

struct FrontDoorOptions {
  std::string listen;  // host:port
  http::ListenerOptions listener;
  // What /v1/models says the searches run over: "generator" and "verifier"
  // to what each serves.
  std::map<std::string, std::string> backends;
  // Checks a request's Authorization header (empty when it has none) for
  // /v1/models as Solve checks its token; unset: every caller may list.
  std::function<absl::Status(absl::string_view authorization)> check_token;
};

// The OpenAI-compatible HTTP API of an Orchestrator (docs/search.md,
// "Calling it from an OpenAI SDK"). Every completion request becomes a
// Solve (or, streamed, a SolveStream) on the gRPC server's in-process
// channel, carrying the request's Authorization header and deadline, so it
// runs under exactly the limits a gRPC call does: tokens, admission, the
// refusal hold, deadlines, metrics. A client that goes away cancels its
// call, and with it the search and its backend calls.
//
// Who owns a request: the listener reads it and hands its Exchange to the
// handler here, which starts one call object (UnaryCall or StreamCall);
// the call owns itself until gRPC says the call is done, keeps the
// Exchange until it has answered, and is cancelled through a weak
// reference when the client goes away.
class FrontDoor {
 public:
  FrontDoor(FrontDoorOptions options, prometheus::Registry& registry);
  ~FrontDoor();

  // Serves, calling `server` in process; returns what the serving line says
  // of it ("HTTP on port 8080"). Errors name the flag to fix.
  absl::StatusOr<std::string> Start(grpc::Server& server);
  // Stops taking connections (the gRPC drain that follows ends the calls).
  void StopAccepting();
  // Waits up to `grace` for answers still being written, then closes.
  void Stop(absl::Duration grace);

  int port() const;
  // What /v1/models names as the backends, once they are known.
  void SetBackends(std::map<std::string, std::string> backends)
      ABSL_LOCKS_EXCLUDED(mu_);

  // Metrics of one endpoint.
  struct Endpoint {
    prometheus::Family<prometheus::Counter>* requests;
    prometheus::Histogram* seconds;
    std::string name;
  };

 private:
  void Handle(http::Request request, std::shared_ptr<http::Exchange> exchange);
  void Models(const http::Request& request, http::Exchange& exchange);
  void Health(std::shared_ptr<http::Exchange> exchange);
  // Nullopt when the request may go on; else the refusal was sent.
  bool Authorized(const http::Request& request, http::Exchange& exchange);

  FrontDoorOptions options_;
  absl::Mutex mu_;
  std::map<std::string, std::string> backends_ ABSL_GUARDED_BY(mu_);
  prometheus::Family<prometheus::Counter>& requests_;
  prometheus::Family<prometheus::Histogram>& seconds_;
  prometheus::Gauge& connections_;
  std::map<std::string, Endpoint> endpoints_;
  std::shared_ptr<grpc::Channel> channel_;
  std::unique_ptr<arts::v1::Orchestrator::Stub> orchestrator_;
  std::unique_ptr<grpc::health::v1::Health::Stub> health_;
  std::unique_ptr<http::Listener> listener_;
};

}  // namespace arts::openai

#endif  // ARTS_SERVER_OPENAI_FRONT_DOOR_H_
