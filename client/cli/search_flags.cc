#include "client/cli/search_flags.h"

#include <utility>

#include "absl/status/status.h"
#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"
#include "backends/grpc/channel.h"
#include "backends/grpc/search_proto.h"
#include "client/cli/flag_groups.h"
#include "client/orchestrator_client.h"

namespace arts::cli {

absl::StatusOr<search::SearchOptions> ReadSearchOptions(FlagReader& flags) {
  // Every flag is read before any is checked, so that reading at the
  // defaults names them all (flag_reader.h).
  search::SearchOptions options;
  options.task = flags(FLAGS_task);
  const std::string strategy_name = flags(FLAGS_strategy);
  const std::string aggregation_name = flags(FLAGS_aggregation);
  options.n = flags(FLAGS_samples);
  options.beam_width = flags(FLAGS_beam_width);
  // -1: left unset, for the strategy's default (RunSearch, or the
  // orchestrator, fills it in).
  if (const int k = flags(FLAGS_proposals); k != -1) options.proposals = k;
  options.expand_width = flags(FLAGS_expand_width);
  options.flow_tilted = flags(FLAGS_flow_tilted);
  options.tilt_pool = flags(FLAGS_tilt_pool);
  options.top_n = flags(FLAGS_top_n);
  options.stop_after_answers = flags(FLAGS_stop_after_answers);
  options.stop_confidence = flags(FLAGS_stop_confidence);
  if (const int64_t tokens = flags(FLAGS_max_tokens); tokens != -1) {
    options.max_tokens = tokens;
  }
  options.max_expansions = flags(FLAGS_max_expansions);
  options.seed = flags(FLAGS_seed);
  options.temperature = flags(FLAGS_temperature);
  options.top_p = flags(FLAGS_top_p);
  options.constrained = flags(FLAGS_constrained);
  options.allow_unverified = flags(FLAGS_allow_unverified);

  absl::StatusOr<search::Strategy> strategy =
      search::ParseStrategy(strategy_name);
  if (!strategy.ok()) return strategy.status();
  absl::StatusOr<search::Aggregation> aggregation =
      search::ParseAggregation(aggregation_name);
  if (!aggregation.ok()) return aggregation.status();
  options.strategy = *strategy;
  options.aggregation = *aggregation;
  // Field names become flag names ("n" is --samples).
  absl::Status valid = search::ValidateSearchOptions(options);
  if (!valid.ok()) {
    std::string message(valid.message());
    if (message.rfind("n:", 0) == 0) message = "samples" + message.substr(1);
    return absl::InvalidArgumentError(absl::StrCat("--", message));
  }
  return options;
}

std::string ReadOrchestrator(FlagReader& flags) {
  return flags(FLAGS_orchestrator);
}

std::string OrchestratorOrDefault(const std::string& address) {
  return address.empty() ? kDefaultOrchestrator : address;
}

absl::StatusOr<std::shared_ptr<client::OrchestratorClient>>
MakeOrchestratorClient(const std::string& address,
                       const OrchestratorSecurity& security) {
  absl::StatusOr<std::shared_ptr<grpc::Channel>> channel =
      backends::ClientChannel(address, security.channel);
  if (!channel.ok()) return channel.status();
  absl::StatusOr<std::string> token = ReadBearerToken(security.token_file);
  if (!token.ok()) return token.status();
  return std::make_shared<client::OrchestratorClient>(*std::move(channel),
                                                      *std::move(token));
}

SolveFunction RemoteSolveFunction(
    std::shared_ptr<client::OrchestratorClient> client,
    const ConnectionOptions& connection) {
  const absl::Duration timeout = connection.timeout;
  const bool wait_for_ready = connection.wait_for_ready;
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
