#include <cmath>
#include <iostream>
#include <string>
#include <vector>

#include "absl/flags/flag.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/strings/str_join.h"
#include "backends/grpc/channel.h"
#include "backends/grpc/verifier_client.h"
#include "client/cli/commands.h"
#include "client/cli/flag_groups.h"

ABSL_FLAG(std::string, verifier, "127.0.0.1:50052", "Verifier service address");
ABSL_FLAG(bool, per_step, false,
          "also print log F of every prefix (the problem alone first)");

namespace arts::cli {

namespace {

struct ScoreOptions {
  std::string verifier;  // address
  bool per_step = false;
  TraceOptions traces;
  backends::ChannelSecurity security;
  ConnectionOptions connection;
};

absl::StatusOr<ScoreOptions> ParseScoreOptions(FlagReader& flags) {
  ScoreOptions options;
  options.verifier = flags(FLAGS_verifier);
  options.per_step = flags(FLAGS_per_step);
  options.traces = ReadTraceOptions(flags);
  options.security = ReadChannelSecurity(flags);
  options.connection = ReadConnectionOptions(flags);
  return options;
}

int RunScore(const ScoreOptions& options) {
  absl::StatusOr<std::shared_ptr<grpc::Channel>> channel =
      backends::ClientChannel(options.verifier, options.security);
  if (!channel.ok()) {
    std::cerr << "score: " << channel.status().message() << "\n";
    return 2;
  }
  backends::VerifierClient client(*std::move(channel));
  // One trace per problem, all with the same prefix, in one call.
  arts::v1::ScoreRequest request;
  request.set_per_step(options.per_step);
  request.set_task(options.traces.task);
  for (const std::string& problem : options.traces.problems) {
    arts::v1::Trace* trace = request.add_traces();
    trace->set_problem(problem);
    for (const std::string& step : options.traces.prefix) {
      trace->add_steps(step);
    }
  }
  absl::StatusOr<arts::v1::ScoreResponse> response =
      client.Score(request, options.connection.CallSettings());
  if (!response.ok()) {
    std::cerr << "score: " << response.status() << "\n";
    return 1;
  }
  for (int i = 0; i < response->scores_size(); ++i) {
    const arts::v1::TraceScore& score = response->scores(i);
    const arts::v1::Trace& trace = request.traces(i);
    std::string line =
        absl::StrFormat("log_flow %8.4f  F %.4f  %s", score.log_flow(),
                        std::exp(score.log_flow()), trace.problem());
    if (!trace.steps().empty()) {
      absl::StrAppend(&line, " | ", absl::StrJoin(trace.steps(), " | "));
    }
    if (request.per_step()) {
      absl::StrAppend(&line, "  per_step",
                      absl::StrJoin(score.step_log_flows(), "",
                                    [](std::string* out, double v) {
                                      absl::StrAppendFormat(out, " %.4f", v);
                                    }));
    }
    std::cout << line << "\n";
  }
  return 0;
}

}  // namespace

Command ScoreCommand() {
  return MakeCommand<ScoreOptions>(
      "score", "score partial traces with a Verifier service",
      ParseScoreOptions, RunScore);
}

}  // namespace arts::cli
