#ifndef ARTS_SERVER_FRONT_DOOR_FLAGS_H_
#define ARTS_SERVER_FRONT_DOOR_FLAGS_H_

#include <prometheus/registry.h>

#include <map>
#include <memory>
#include <string>

#include "absl/status/statusor.h"
#include "server/bearer_auth.h"
#include "server/openai/front_door.h"
#include "server/server_main.h"

namespace arts::server {

// The OpenAI-compatible HTTP API (openai::FrontDoor) as an orchestrator
// binary serves it beside its gRPC port.
class HttpFrontDoor final : public SideListener {
 public:
  explicit HttpFrontDoor(std::unique_ptr<openai::FrontDoor> door)
      : door_(std::move(door)) {}
  absl::StatusOr<std::string> Start(grpc::Server& server) override {
    return door_->Start(server);
  }
  void StopAccepting() override { door_->StopAccepting(); }
  void Stop(absl::Duration grace) override { door_->Stop(grace); }
  openai::FrontDoor& door() { return *door_; }

 private:
  std::unique_ptr<openai::FrontDoor> door_;
};

// The front door the --http_* flags ask for (TLS as the gRPC port's
// --tls_* flags; tokens as Solve's, `auth` may be null), or null when
// --http_listen is empty. Errors name the flag.
absl::StatusOr<std::unique_ptr<HttpFrontDoor>> FrontDoorFromFlags(
    prometheus::Registry& registry, BearerAuth* auth,
    std::map<std::string, std::string> backends);

}  // namespace arts::server

#endif  // ARTS_SERVER_FRONT_DOOR_FLAGS_H_
