#include "server/orchestrator_flags.h"

#include "absl/flags/flag.h"
#include "absl/strings/str_cat.h"
#include "absl/time/time.h"
#include "arts/v1/orchestrator.grpc.pb.h"
#include "server/connection_flags.h"

ABSL_FLAG(std::string, listen, "127.0.0.1:50050",
          "gRPC address, host:port (port 0 picks a free port)");
ABSL_FLAG(std::string, metrics_listen, "127.0.0.1:9090",
          "Prometheus /metrics address, host:port; empty disables");
ABSL_FLAG(std::string, auth_tokens_file, "",
          "file of bearer tokens that may call Solve, one per line ('#' "
          "comments); re-read when it changes; empty: no authentication");
ABSL_FLAG(int, max_concurrent_requests, 4096,
          "searches running at once; one waiting on its backends holds its "
          "memory, not a thread. More wait for a slot (--max_waiting_solves)");
ABSL_FLAG(int, max_waiting_solves, 4096,
          "searches waiting for a running slot; one more gets "
          "RESOURCE_EXHAUSTED with retry pushback");
ABSL_FLAG(absl::Duration, max_solve_wait, absl::Seconds(10),
          "longest a search waits for a running slot before it gets "
          "RESOURCE_EXHAUSTED with retry pushback");
ABSL_FLAG(absl::Duration, refusal_hold, absl::Milliseconds(250),
          "how long a Solve refused for want of room (RESOURCE_EXHAUSTED) "
          "is held before its answer, so that clients that retry at once "
          "cannot spin the server; 0 answers at once");
ABSL_FLAG(int, search_threads, 2,
          "threads that run every search's plan (none waits on a backend)");
ABSL_FLAG(absl::Duration, drain_timeout, absl::Seconds(10),
          "on SIGTERM, how long in-flight searches may take to finish");
ABSL_FLAG(int, max_tokens_per_solve, 100'000,
          "the most tokens one Solve may have generated, whatever it asks "
          "(its max_tokens is capped, and no budget becomes this); 0: none");
ABSL_FLAG(int, max_expansions_per_solve, 2'000,
          "the most nodes one Solve may expand, whatever it asks; bounds a "
          "generator that never finishes a trace; 0: none");

namespace arts::server {

OrchestratorOptions OrchestratorOptionsFromFlags() {
  OrchestratorOptions options;
  options.max_running = absl::GetFlag(FLAGS_max_concurrent_requests);
  options.max_waiting = absl::GetFlag(FLAGS_max_waiting_solves);
  options.max_wait = absl::GetFlag(FLAGS_max_solve_wait);
  options.search_threads = absl::GetFlag(FLAGS_search_threads);
  options.refusal_hold = absl::GetFlag(FLAGS_refusal_hold);
  options.max_tokens_per_solve = absl::GetFlag(FLAGS_max_tokens_per_solve);
  options.max_expansions_per_solve =
      absl::GetFlag(FLAGS_max_expansions_per_solve);
  return options;
}

ServerFlags OrchestratorServerFlags(const std::string& model) {
  ServerFlags flags;
  flags.listen = absl::GetFlag(FLAGS_listen);
  flags.metrics_listen = absl::GetFlag(FLAGS_metrics_listen);
  flags.model = model;
  flags.drain_timeout = absl::GetFlag(FLAGS_drain_timeout);
  flags.service_name = arts::v1::Orchestrator::service_full_name();
  flags.connection = ConnectionOptionsFromFlags();
  const OrchestratorOptions options = OrchestratorOptionsFromFlags();
  flags.check_flags = [options]() -> absl::Status {
    for (absl::Status s :
         {CheckFlagRange("--max_concurrent_requests", options.max_running, 1,
                         65536),
          CheckFlagRange("--max_waiting_solves", options.max_waiting, 0, 65536),
          CheckFlagRange("--search_threads", options.search_threads, 1, 64),
          CheckFlagRange("--max_tokens_per_solve", options.max_tokens_per_solve,
                         0, static_cast<int>(search::kMaxTokens)),
          CheckFlagRange("--max_expansions_per_solve",
                         options.max_expansions_per_solve, 0,
                         search::kMaxExpansions)}) {
      if (!s.ok()) return s;
    }
    if (options.max_wait <= absl::ZeroDuration()) {
      return absl::InvalidArgumentError(
          absl::StrCat("--max_solve_wait: must be positive, got ",
                       absl::FormatDuration(options.max_wait)));
    }
    if (options.refusal_hold < absl::ZeroDuration() ||
        options.refusal_hold > absl::Seconds(10)) {
      return absl::InvalidArgumentError(
          absl::StrCat("--refusal_hold: must be 0 to 10s, got ",
                       absl::FormatDuration(options.refusal_hold)));
    }
    return absl::OkStatus();
  };
  return flags;
}

absl::StatusOr<std::unique_ptr<BearerAuth>> AuthFromFlags() {
  const std::string tokens = absl::GetFlag(FLAGS_auth_tokens_file);
  if (tokens.empty()) return std::unique_ptr<BearerAuth>();
  return BearerAuth::FromFile(tokens);
}

}  // namespace arts::server
