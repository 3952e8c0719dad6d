// `arts loadtest`: a load generator in the spirit of Triton's perf_analyzer.
// It sends Solve, Propose or Score calls drawn from a split at fixed
// concurrency levels and reports goodput, latency quantiles and status codes.
#include <fstream>
#include <iostream>
#include <memory>
#include <string>
#include <vector>

#include "absl/flags/flag.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "backends/grpc/generator_client.h"
#include "backends/grpc/search_proto.h"
#include "backends/grpc/verifier_client.h"
#include "client/cli/commands.h"
#include "client/cli/flag_groups.h"
#include "client/cli/search_flags.h"
#include "client/cli/split_flags.h"
#include "client/load_runner.h"
#include "client/orchestrator_client.h"
#include "core/countdown/solver.h"

ABSL_FLAG(std::string, target, "solve",
          "the method to load: solve (Orchestrator), propose (Generator) or "
          "score (Verifier)");
ABSL_FLAG(std::string, concurrency, "1",
          "workers sending at once; a comma-separated list is a sweep, one "
          "level after another");
ABSL_FLAG(absl::Duration, duration, absl::Seconds(10), "length of each level");
ABSL_FLAG(int64_t, requests, 0,
          "stop a level after this many requests (0: only --duration)");
ABSL_FLAG(std::string, json, "", "also write the results as JSON here");
ABSL_FLAG(int, candidates, 16, "propose: candidates per call");
ABSL_FLAG(int, propose_steps, 1,
          "propose: steps per candidate (0: to the end)");
ABSL_FLAG(int, traces, 16, "score: traces per call");

namespace arts::cli {
namespace {

// Sends request `index`, drawn from the split's puzzles in turn.
absl::StatusOr<client::SendRequest> MakeSender(
    const std::string& target, const std::string& address,
    const std::vector<std::string>& problems) {
  const absl::Duration timeout = absl::GetFlag(FLAGS_timeout);
  // No retries: these are the clients that never back off.
  absl::StatusOr<std::shared_ptr<grpc::Channel>> secured =
      ChannelFromFlags(address);
  if (!secured.ok()) return secured.status();
  std::shared_ptr<grpc::Channel> channel = *secured;
  const auto problem = [problems](int64_t index) {
    return problems[static_cast<size_t>(index) % problems.size()];
  };
  if (target == "solve") {
    absl::StatusOr<search::SearchOptions> options = SearchOptionsFromFlags();
    if (!options.ok()) return options.status();
    absl::StatusOr<std::string> token = BearerTokenFromFlags();
    if (!token.ok()) return token.status();
    auto client = std::make_shared<client::OrchestratorClient>(channel, *token);
    return client::SendRequest([client, problem, options = *options,
                                timeout](int64_t index) {
      return client->Solve(backends::ToProto(problem(index), options), timeout)
          .status();
    });
  }
  if (target == "propose") {
    auto client = std::make_shared<backends::GeneratorClient>(channel);
    arts::v1::ProposeRequest base;
    base.set_num_candidates(absl::GetFlag(FLAGS_candidates));
    base.set_max_steps(absl::GetFlag(FLAGS_propose_steps));
    *base.mutable_sampling() = SamplingParamsFromFlags();
    return client::SendRequest([client, problem, base, timeout](int64_t index) {
      arts::v1::ProposeRequest request = base;
      request.set_problem(problem(index));
      request.mutable_sampling()->set_seed(base.sampling().seed() + index);
      return client->Propose(
          request, [](const arts::v1::Candidate&) {}, timeout);
    });
  }
  if (target == "score") {
    // Trace i of a call: a puzzle and the first (i mod (n + 1)) steps of one
    // of its n-step solutions, so calls mix depths the way a search does.
    std::vector<arts::v1::Trace> traces;
    for (const std::string& text : problems) {
      absl::StatusOr<countdown::Problem> parsed = countdown::ParseProblem(text);
      if (!parsed.ok()) return parsed.status();
      const std::vector<std::string> example =
          countdown::Solve(*parsed).example;
      arts::v1::Trace trace;
      trace.set_problem(text);
      const size_t depth = traces.size() % (example.size() + 1);
      for (size_t s = 0; s < depth; ++s) trace.add_steps(example[s]);
      traces.push_back(trace);
    }
    auto client = std::make_shared<backends::VerifierClient>(channel);
    const int per_call = absl::GetFlag(FLAGS_traces);
    return client::SendRequest([client, traces, per_call,
                                timeout](int64_t index) {
      arts::v1::ScoreRequest request;
      for (int i = 0; i < per_call; ++i) {
        *request.add_traces() =
            traces[static_cast<size_t>(index * per_call + i) % traces.size()];
      }
      return client->Score(request, timeout).status();
    });
  }
  return absl::InvalidArgumentError(absl::StrCat(
      "--target: must be solve, propose or score, got '", target, "'"));
}

std::string DefaultAddress(const std::string& target) {
  if (target == "propose") return "127.0.0.1:50051";
  if (target == "score") return "127.0.0.1:50052";
  return "127.0.0.1:50053";
}

}  // namespace

int RunLoadtest() {
  const std::string target = absl::GetFlag(FLAGS_target);
  const std::string address = absl::GetFlag(FLAGS_address).empty()
                                  ? DefaultAddress(target)
                                  : absl::GetFlag(FLAGS_address);
  std::vector<int> levels;
  for (absl::string_view part :
       absl::StrSplit(absl::GetFlag(FLAGS_concurrency), ',')) {
    int n = 0;
    if (!absl::SimpleAtoi(part, &n) || n < 1 || n > 4096) {
      std::cerr << "loadtest: --concurrency: each level must be 1 to 4096, "
                   "got '"
                << part << "'\n";
      return 2;
    }
    levels.push_back(n);
  }
  if (absl::GetFlag(FLAGS_duration) <= absl::ZeroDuration() ||
      absl::GetFlag(FLAGS_requests) < 0) {
    std::cerr << "loadtest: --duration must be positive and --requests at "
                 "least 0\n";
    return 2;
  }
  if (absl::GetFlag(FLAGS_candidates) < 1 || absl::GetFlag(FLAGS_traces) < 1) {
    std::cerr << "loadtest: --candidates and --traces must be at least 1\n";
    return 2;
  }
  absl::StatusOr<SplitProblems> split = SplitProblemsFromFlags();
  if (!split.ok()) {
    std::cerr << "loadtest: " << split.status().message() << "\n";
    return ExitCodeFor(split.status());
  }
  std::vector<std::string> problems;
  for (const countdown::Problem& p : split->problems) {
    problems.push_back(countdown::FormatProblem(p));
  }
  if (problems.empty()) {
    std::cerr << "loadtest: --split " << split->split << " has no puzzles\n";
    return 2;
  }
  absl::StatusOr<client::SendRequest> send =
      MakeSender(target, address, problems);
  if (!send.ok()) {
    std::cerr << "loadtest: " << send.status().message() << "\n";
    return 2;
  }
  std::cerr << "loadtest: " << target << " on " << address << ", "
            << problems.size() << " puzzles of " << split->split << "\n";
  std::vector<client::LoadResult> results;
  for (int concurrency : levels) {
    client::LoadLevel level;
    level.concurrency = concurrency;
    level.duration = absl::GetFlag(FLAGS_duration);
    level.max_requests = absl::GetFlag(FLAGS_requests);
    results.push_back(client::RunLoad(level, *send));
    std::cerr << client::LoadTable({results.back()});
  }
  std::cout << client::LoadTable(results);
  if (!absl::GetFlag(FLAGS_json).empty()) {
    std::ofstream out(absl::GetFlag(FLAGS_json));
    out << client::LoadJson(target, results);
    if (!out.good()) {
      std::cerr << "loadtest: --json: cannot write "
                << absl::GetFlag(FLAGS_json) << "\n";
      return 1;
    }
  }
  return 0;
}

}  // namespace arts::cli
