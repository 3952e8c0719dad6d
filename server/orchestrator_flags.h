// The flags both orchestrator binaries share (arts-orchestrator over the
// services, arts-orchestrator-local over models in its process): where to
// listen, who may call, how many searches run and wait, and the drain.
#ifndef ARTS_SERVER_ORCHESTRATOR_FLAGS_H_
#define ARTS_SERVER_ORCHESTRATOR_FLAGS_H_

#include <memory>
#include <string>

#include "absl/status/statusor.h"
#include "server/bearer_auth.h"
#include "server/orchestrator_service.h"
#include "server/server_main.h"

namespace arts::server {

// The shared flags as a server's: `model` says what is served; check_flags
// checks the search limits (a bad one names its flag).
ServerFlags OrchestratorServerFlags(const std::string& model);

// The search limits: --max_concurrent_requests, --max_waiting_solves,
// --max_solve_wait, --search_threads.
OrchestratorOptions OrchestratorOptionsFromFlags();

// The bearer tokens of --auth_tokens_file, or null when it is empty; a bad
// file is an error naming the flag.
absl::StatusOr<std::unique_ptr<BearerAuth>> AuthFromFlags();

}  // namespace arts::server

#endif  // ARTS_SERVER_ORCHESTRATOR_FLAGS_H_
