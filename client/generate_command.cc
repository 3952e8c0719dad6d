#include <iostream>
#include <string>
#include <vector>

#include "absl/flags/declare.h"
#include "absl/flags/flag.h"
#include "absl/strings/str_format.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_split.h"
#include "client/commands.h"
#include "client/generator_client.h"

ABSL_DECLARE_FLAG(uint64_t, seed);
ABSL_DECLARE_FLAG(bool, constrained);
ABSL_DECLARE_FLAG(double, temperature);
ABSL_DECLARE_FLAG(double, top_p);
ABSL_DECLARE_FLAG(int, top_k);
ABSL_FLAG(std::string, generator, "127.0.0.1:50051",
          "generate: Generator service address");
ABSL_FLAG(std::vector<std::string>, problem, {"4 9 10 13 -> 24"},
          "generate, score: problems, comma-separated "
          "('4 9 10 13 -> 24,1 5 5 5 -> 24')");
ABSL_FLAG(std::string, prefix, "",
          "generate, score: prefix steps separated by ';' (applies to every "
          "problem)");
ABSL_FLAG(int, n, 4, "generate: candidates per problem");
ABSL_FLAG(int, max_steps, 1, "generate: steps per candidate (0 = to the end)");
ABSL_FLAG(absl::Duration, timeout, absl::Seconds(30),
          "generate, score: deadline");
ABSL_FLAG(bool, wait_for_ready, false,
          "generate, score, solve: wait (within --timeout) for the server to "
          "come up (solve: and to finish starting)");

namespace arts::cli {

int RunGenerate() {
  client::GeneratorClient client(
      client::InsecureChannel(absl::GetFlag(FLAGS_generator)));
  std::vector<std::string> prefix;
  if (!absl::GetFlag(FLAGS_prefix).empty()) {
    prefix = absl::StrSplit(absl::GetFlag(FLAGS_prefix), ';');
  }
  int exit_code = 0;
  for (const std::string& problem : absl::GetFlag(FLAGS_problem)) {
    arts::v1::ProposeRequest request;
    request.set_problem(problem);
    for (const std::string& step : prefix) request.add_steps(step);
    request.set_num_candidates(absl::GetFlag(FLAGS_n));
    request.set_max_steps(absl::GetFlag(FLAGS_max_steps));
    arts::v1::SamplingParams* sampling = request.mutable_sampling();
    sampling->set_seed(absl::GetFlag(FLAGS_seed));
    sampling->set_constrained(absl::GetFlag(FLAGS_constrained));
    sampling->set_temperature(absl::GetFlag(FLAGS_temperature));
    sampling->set_top_p(absl::GetFlag(FLAGS_top_p));
    sampling->set_top_k(absl::GetFlag(FLAGS_top_k));
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
        absl::GetFlag(FLAGS_timeout), absl::GetFlag(FLAGS_wait_for_ready));
    if (!status.ok()) {
      std::cerr << "generate: " << status << "\n";
      exit_code = 1;
    }
  }
  return exit_code;
}

}  // namespace arts::cli
