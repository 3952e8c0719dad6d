#include <iostream>
#include <string>
#include <vector>

#include "absl/flags/flag.h"
#include "absl/strings/str_format.h"
#include "absl/strings/str_join.h"
#include "backends/grpc/channel.h"
#include "backends/grpc/generator_client.h"
#include "client/cli/commands.h"
#include "client/cli/flag_groups.h"

ABSL_FLAG(std::string, generator, "127.0.0.1:50051",
          "Generator service address");
ABSL_FLAG(int, n, 4, "candidates per problem");
ABSL_FLAG(int, max_steps, 1, "steps per candidate (0 = to the end)");

namespace arts::cli {
namespace {

struct GenerateOptions {
  std::string generator;  // address
  TraceOptions traces;
  int candidates = 0;
  int max_steps = 0;
  arts::v1::SamplingParams sampling;
  backends::ChannelSecurity security;
  ConnectionOptions connection;
};

absl::StatusOr<GenerateOptions> ParseGenerateOptions(FlagReader& flags) {
  GenerateOptions options;
  options.generator = flags(FLAGS_generator);
  options.traces = ReadTraceOptions(flags);
  options.candidates = flags(FLAGS_n);
  options.max_steps = flags(FLAGS_max_steps);
  options.sampling = ReadSamplingParams(flags);
  options.security = ReadChannelSecurity(flags);
  options.connection = ReadConnectionOptions(flags);
  return options;
}

int RunGenerate(const GenerateOptions& options) {
  absl::StatusOr<std::shared_ptr<grpc::Channel>> channel =
      backends::ClientChannel(options.generator, options.security);
  if (!channel.ok()) {
    std::cerr << "generate: " << channel.status().message() << "\n";
    return 2;
  }
  backends::GeneratorClient client(*std::move(channel));
  const std::vector<std::string>& prefix = options.traces.prefix;
  int exit_code = 0;
  for (const std::string& problem : options.traces.problems) {
    arts::v1::ProposeRequest request;
    request.set_task(options.traces.task);
    request.set_problem(problem);
    if (!prefix.empty()) {
      request.add_prefixes()->mutable_steps()->Add(prefix.begin(),
                                                   prefix.end());
    }
    request.set_num_candidates(options.candidates);
    request.set_max_steps(options.max_steps);
    *request.mutable_sampling() = options.sampling;
    std::cout << "problem: " << problem << "\n";
    absl::Status status = client.Propose(
        request,
        [](const arts::v1::Candidate& c) {
          std::cout << absl::StrFormat(
              "  #%-2d logprob %7.3f tokens %3d %-9s | %s%s\n", c.index(),
              c.logprob(), c.num_tokens(),
              !c.valid() ? "INVALID" : (c.terminal() ? "terminal" : "partial"),
              absl::StrJoin(c.steps(), " | "),
              c.valid() ? "" : "  <- " + c.invalid_reason());
          std::cout.flush();
        },
        options.connection.CallSettings());
    if (!status.ok()) {
      std::cerr << "generate: " << status << "\n";
      exit_code = 1;
    }
  }
  return exit_code;
}

}  // namespace

Command GenerateCommand() {
  return MakeCommand<GenerateOptions>(
      "generate", "stream candidate steps from a Generator service",
      ParseGenerateOptions, RunGenerate);
}

}  // namespace arts::cli
