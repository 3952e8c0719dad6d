#include "client/cli/search_flags.h"

#include <utility>

#include "absl/flags/flag.h"
#include "absl/status/status.h"
#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"
#include "backends/grpc/channel.h"
#include "backends/grpc/search_proto.h"
#include "client/cli/flag_groups.h"
#include "client/orchestrator_client.h"

namespace arts::cli {

absl::StatusOr<search::SearchOptions> SearchOptionsFromFlags() {
  search::SearchOptions options;
  options.task = absl::GetFlag(FLAGS_task);
  absl::StatusOr<search::Strategy> strategy =
      search::ParseStrategy(absl::GetFlag(FLAGS_strategy));
  if (!strategy.ok()) return strategy.status();
  absl::StatusOr<search::Aggregation> aggregation =
      search::ParseAggregation(absl::GetFlag(FLAGS_aggregation));
  if (!aggregation.ok()) return aggregation.status();
  options.strategy = *strategy;
  options.aggregation = *aggregation;
  options.n = absl::GetFlag(FLAGS_samples);
  options.beam_width = absl::GetFlag(FLAGS_beam_width);
  // -1: left unset, for the strategy's default (RunSearch, or the
  // orchestrator, fills it in).
  if (const int k = absl::GetFlag(FLAGS_proposals); k != -1) {
    options.proposals = k;
  }
  options.expand_width = absl::GetFlag(FLAGS_expand_width);
  options.flow_tilted = absl::GetFlag(FLAGS_flow_tilted);
  options.tilt_pool = absl::GetFlag(FLAGS_tilt_pool);
  options.top_n = absl::GetFlag(FLAGS_top_n);
  options.stop_after_answers = absl::GetFlag(FLAGS_stop_after_answers);
  options.stop_confidence = absl::GetFlag(FLAGS_stop_confidence);
  if (const int64_t tokens = absl::GetFlag(FLAGS_max_tokens); tokens != -1) {
    options.max_tokens = tokens;
  }
  options.max_expansions = absl::GetFlag(FLAGS_max_expansions);
  options.seed = absl::GetFlag(FLAGS_seed);
  options.temperature = absl::GetFlag(FLAGS_temperature);
  options.top_p = absl::GetFlag(FLAGS_top_p);
  options.constrained = absl::GetFlag(FLAGS_constrained);
  options.allow_unverified = absl::GetFlag(FLAGS_allow_unverified);
  // Field names become flag names ("n" is --samples).
  absl::Status valid = search::ValidateSearchOptions(options);
  if (!valid.ok()) {
    std::string message(valid.message());
    if (message.rfind("n:", 0) == 0) message = "samples" + message.substr(1);
    return absl::InvalidArgumentError(absl::StrCat("--", message));
  }
  return options;
}

std::string OrchestratorAddress() {
  const std::string address = absl::GetFlag(FLAGS_orchestrator);
  return address.empty() ? kDefaultOrchestrator : address;
}

absl::StatusOr<std::shared_ptr<client::OrchestratorClient>>
OrchestratorClientFromFlags(const std::string& address) {
  absl::StatusOr<std::shared_ptr<grpc::Channel>> channel =
      ChannelFromFlags(address);
  if (!channel.ok()) return channel.status();
  absl::StatusOr<std::string> token = BearerTokenFromFlags();
  if (!token.ok()) return token.status();
  return std::make_shared<client::OrchestratorClient>(*std::move(channel),
                                                      *std::move(token));
}

SolveFunction RemoteSolveFunction(
    std::shared_ptr<client::OrchestratorClient> client) {
  const absl::Duration timeout = absl::GetFlag(FLAGS_timeout);
  const bool wait_for_ready = absl::GetFlag(FLAGS_wait_for_ready);
  return [client, timeout, wait_for_ready](const std::string& problem,
                                           const search::SearchOptions& options)
             -> absl::StatusOr<search::SearchResult> {
    // With --wait_for_ready, a server that is up but still starting
    // (UNAVAILABLE) is asked again until the timeout: a search is
    // deterministic, so asking twice is safe.
    const absl::Time until = absl::Now() + timeout;
    while (true) {
      absl::StatusOr<arts::v1::SolveResponse> response =
          client->Solve(backends::ToProto(problem, options),
                        until - absl::Now(), wait_for_ready);
      if (response.ok()) return backends::FromProto(*response);
      if (!wait_for_ready || !absl::IsUnavailable(response.status()) ||
          absl::Now() + absl::Milliseconds(200) >= until) {
        return response.status();
      }
      absl::SleepFor(absl::Milliseconds(200));
    }
  };
}

}  // namespace arts::cli
