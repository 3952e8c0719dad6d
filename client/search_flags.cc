#include "client/search_flags.h"

#include <utility>

#include "absl/flags/declare.h"
#include "absl/flags/flag.h"
#include "absl/status/status.h"
#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"
#include "client/channel.h"
#include "client/orchestrator_client.h"
#include "client/search_proto.h"
#include "core/model/generator.h"
#include "core/search/search.h"
#include "core/verifier/flow_verifier.h"

ABSL_DECLARE_FLAG(uint64_t, seed);
ABSL_DECLARE_FLAG(int, samples);
ABSL_DECLARE_FLAG(int64_t, max_tokens);
ABSL_DECLARE_FLAG(double, temperature);
ABSL_DECLARE_FLAG(double, top_p);
ABSL_DECLARE_FLAG(bool, constrained);
ABSL_DECLARE_FLAG(absl::Duration, timeout);
ABSL_DECLARE_FLAG(bool, wait_for_ready);
ABSL_DECLARE_FLAG(std::string, verifier_model);

ABSL_FLAG(std::string, strategy, "arts",
          "solve, eval: best_of_n, weighted_vote, majority_vote, beam, arts "
          "or dvts");
ABSL_FLAG(int, beam_width, 4, "solve, eval: beam width B");
ABSL_FLAG(int, proposals, 4,
          "solve, eval: proposals k per expanded node (dvts: M)");
ABSL_FLAG(int, expand_width, 2, "solve, eval: arts nodes expanded per round");
ABSL_FLAG(bool, flow_tilted, false,
          "solve, eval: arts draws children in proportion to pi * F");
ABSL_FLAG(int, tilt_pool, 16,
          "solve, eval: arts candidates drawn from pi before tilting");
ABSL_FLAG(std::string, aggregation, "last",
          "solve, eval: per-step score aggregation: last, min or mean");
ABSL_FLAG(int, top_n, 1, "solve: answers to return");
ABSL_FLAG(int, stop_after_answers, 1,
          "solve, eval: arts stops after this many answers with F >= 1/2");
ABSL_FLAG(int, max_expansions, 0,
          "solve, eval: expansion budget per search (0 = none)");
ABSL_FLAG(bool, allow_unverified, false,
          "solve, eval: fall back to best-of-N by log pi if the verifier is "
          "down");
ABSL_FLAG(std::string, orchestrator, "",
          "solve, eval: an Orchestrator service address; empty = search in "
          "this process over --model and --verifier_model");

namespace arts::cli {

std::string ModelPathOrDefault();  // eval_generator_command.cc

absl::StatusOr<search::SearchOptions> SearchOptionsFromFlags() {
  search::SearchOptions options;
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
  options.proposals = absl::GetFlag(FLAGS_proposals);
  options.expand_width = absl::GetFlag(FLAGS_expand_width);
  options.flow_tilted = absl::GetFlag(FLAGS_flow_tilted);
  options.tilt_pool = absl::GetFlag(FLAGS_tilt_pool);
  options.top_n = absl::GetFlag(FLAGS_top_n);
  options.stop_after_answers = absl::GetFlag(FLAGS_stop_after_answers);
  options.max_tokens = absl::GetFlag(FLAGS_max_tokens);
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

absl::StatusOr<SolveFunction> MakeSolveFunction(std::string* where) {
  const std::string address = absl::GetFlag(FLAGS_orchestrator);
  const absl::Duration timeout = absl::GetFlag(FLAGS_timeout);
  if (!address.empty()) {
    *where = absl::StrCat("orchestrator at ", address);
    auto client = std::make_shared<client::OrchestratorClient>(
        client::InsecureChannel(address));
    const bool wait_for_ready = absl::GetFlag(FLAGS_wait_for_ready);
    return SolveFunction(
        [client, timeout, wait_for_ready](const std::string& problem,
                                          const search::SearchOptions& options)
            -> absl::StatusOr<search::SearchResult> {
          // With --wait_for_ready, a server that is up but still starting
          // (UNAVAILABLE) is asked again until the timeout: a search is
          // deterministic, so asking twice is safe.
          const absl::Time until = absl::Now() + timeout;
          while (true) {
            absl::StatusOr<arts::v1::SolveResponse> response =
                client->Solve(client::ToProto(problem, options),
                              until - absl::Now(), wait_for_ready);
            if (response.ok()) return client::FromProto(*response);
            if (!wait_for_ready || !absl::IsUnavailable(response.status()) ||
                absl::Now() + absl::Milliseconds(200) >= until) {
              return response.status();
            }
            absl::SleepFor(absl::Milliseconds(200));
          }
        });
  }
  struct Models {
    std::unique_ptr<model::Generator> generator;
    std::unique_ptr<verifier::FlowVerifier> verifier;
    std::unique_ptr<search::LocalProposer> proposer;
    std::unique_ptr<search::LocalScorer> scorer;
  };
  auto models = std::make_shared<Models>();
  const std::string generator_path = ModelPathOrDefault();
  const std::string verifier_path = absl::GetFlag(FLAGS_verifier_model);
  absl::StatusOr<std::unique_ptr<model::Generator>> generator =
      model::Generator::Load(generator_path);
  if (!generator.ok()) return generator.status();
  absl::StatusOr<std::unique_ptr<verifier::FlowVerifier>> verifier =
      verifier::FlowVerifier::Load(verifier_path);
  if (!verifier.ok()) return verifier.status();
  models->generator = *std::move(generator);
  models->verifier = *std::move(verifier);
  models->proposer =
      std::make_unique<search::LocalProposer>(*models->generator);
  models->scorer = std::make_unique<search::LocalScorer>(*models->verifier);
  *where = absl::StrCat("in-process ", generator_path, " and ", verifier_path);
  return SolveFunction([models, timeout](const std::string& problem,
                                         search::SearchOptions options) {
    options.deadline = absl::Now() + timeout;
    return search::RunSearch(*models->proposer, models->scorer.get(), problem,
                             options);
  });
}

}  // namespace arts::cli
