#include <iostream>
#include <string>
#include <vector>

#include "absl/flags/flag.h"
#include "absl/strings/str_format.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_split.h"
#include "backends/grpc/generator_client.h"
#include "client/cli/commands.h"
#include "client/cli/flag_groups.h"

ABSL_FLAG(std::string, generator, "127.0.0.1:50051",
          "Generator service address");
ABSL_FLAG(int, n, 4, "candidates per problem");
ABSL_FLAG(int, max_steps, 1, "steps per candidate (0 = to the end)");

namespace arts::cli {

int RunGenerate() {
  absl::StatusOr<std::shared_ptr<grpc::Channel>> channel =
      ChannelFromFlags(absl::GetFlag(FLAGS_generator));
  if (!channel.ok()) {
    std::cerr << "generate: " << channel.status().message() << "\n";
    return 2;
  }
  backends::GeneratorClient client(*std::move(channel));
  std::vector<std::string> prefix;
  if (!absl::GetFlag(FLAGS_prefix).empty()) {
    prefix = absl::StrSplit(absl::GetFlag(FLAGS_prefix), ';');
  }
  int exit_code = 0;
  for (const std::string& problem : absl::GetFlag(FLAGS_problem)) {
    arts::v1::ProposeRequest request;
    request.set_task(absl::GetFlag(FLAGS_task));
    request.set_problem(problem);
    if (!prefix.empty()) {
      request.add_prefixes()->mutable_steps()->Add(prefix.begin(),
                                                   prefix.end());
    }
    request.set_num_candidates(absl::GetFlag(FLAGS_n));
    request.set_max_steps(absl::GetFlag(FLAGS_max_steps));
    *request.mutable_sampling() = SamplingParamsFromFlags();
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
        ConnectionSettings());
    if (!status.ok()) {
      std::cerr << "generate: " << status << "\n";
      exit_code = 1;
    }
  }
  return exit_code;
}

}  // namespace arts::cli
