// `arts loadtest`: a load generator in the spirit of Triton's perf_analyzer.
// It sends Solve, Propose or Score calls drawn from a split at fixed
// concurrency levels and reports goodput, latency quantiles and status codes.
#include <fstream>
#include <iostream>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "absl/flags/flag.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "backends/grpc/channel.h"
#include "backends/grpc/generator_client.h"
#include "backends/grpc/search_proto.h"
#include "backends/grpc/verifier_client.h"
#include "client/chat_completions_client.h"
#include "client/cli/commands.h"
#include "client/cli/flag_groups.h"
#include "client/cli/search_flags.h"
#include "client/cli/split_flags.h"
#include "client/load_runner.h"
#include "client/orchestrator_client.h"
#include "core/countdown/solver.h"

ABSL_FLAG(std::string, target, "solve",
          "the method to load: solve (Orchestrator), propose (Generator), "
          "score (Verifier), or the Orchestrator's OpenAI-compatible HTTP "
          "API: chat (POST /v1/chat/completions) or chat_stream (the same, "
          "streamed); --address is then its --http_listen");
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
ABSL_FLAG(bool, trace_tree, false,
          "solve, chat, chat_stream: ask each search for its tree "
          "(trace_tree), to measure what recording it costs");

namespace arts::cli {
namespace {

std::string DefaultAddress(const std::string& target) {
  if (target == "propose") return "127.0.0.1:50051";
  if (target == "score") return "127.0.0.1:50052";
  if (target == "chat" || target == "chat_stream") return "127.0.0.1:8080";
  return "127.0.0.1:50053";
}

struct LoadtestOptions {
  std::string target;   // solve, propose or score
  std::string address;  // the target's default port when the flag is empty
  std::vector<int> levels;
  absl::Duration duration;
  int64_t requests = 0;
  std::string json;
  SplitOptions split;
  absl::Duration timeout;
  OrchestratorSecurity security;
  // What each target sends.
  search::SearchOptions search;       // solve
  int candidates = 0;                 // propose
  int propose_steps = 0;              // propose
  arts::v1::SamplingParams sampling;  // propose
  int traces = 0;                     // score
};

absl::StatusOr<LoadtestOptions> ParseLoadtestOptions(FlagReader& flags) {
  LoadtestOptions options;
  options.target = flags(FLAGS_target);
  const std::string address = flags(FLAGS_address);
  options.address = address.empty() ? DefaultAddress(options.target) : address;
  const std::string concurrency = flags(FLAGS_concurrency);
  options.duration = flags(FLAGS_duration);
  options.requests = flags(FLAGS_requests);
  options.json = flags(FLAGS_json);
  options.split = ReadSplitOptions(flags);
  options.timeout = flags(FLAGS_timeout);
  options.security = ReadOrchestratorSecurity(flags);
  absl::StatusOr<search::SearchOptions> search = ReadSearchOptions(flags);
  options.candidates = flags(FLAGS_candidates);
  options.propose_steps = flags(FLAGS_propose_steps);
  options.sampling = ReadSamplingParams(flags);
  options.traces = flags(FLAGS_traces);

  if (options.target != "solve" && options.target != "propose" &&
      options.target != "score" && options.target != "chat" &&
      options.target != "chat_stream") {
    return absl::InvalidArgumentError(absl::StrCat(
        "--target: must be solve, propose, score, chat or chat_stream, got '",
        options.target, "'"));
  }
  for (absl::string_view part : absl::StrSplit(concurrency, ',')) {
    int n = 0;
    if (!absl::SimpleAtoi(part, &n) || n < 1 || n > 4096) {
      return absl::InvalidArgumentError(absl::StrCat(
          "--concurrency: each level must be 1 to 4096, got '", part, "'"));
    }
    options.levels.push_back(n);
  }
  if (options.duration <= absl::ZeroDuration() || options.requests < 0) {
    return absl::InvalidArgumentError(
        "--duration must be positive and --requests at least 0");
  }
  if (options.candidates < 1 || options.traces < 1) {
    return absl::InvalidArgumentError(
        "--candidates and --traces must be at least 1");
  }
  const bool trace_tree = flags(FLAGS_trace_tree);
  if (!search.ok()) return search.status();
  options.search = *std::move(search);
  options.search.trace_tree = trace_tree;
  return options;
}

// Sends request `index`, drawn from the split's puzzles in turn.
absl::StatusOr<client::SendRequest> MakeSender(
    const LoadtestOptions& options, const std::vector<std::string>& problems) {
  const std::string& target = options.target;
  const absl::Duration timeout = options.timeout;
  const auto problem = [problems](int64_t index) {
    return problems[static_cast<size_t>(index) % problems.size()];
  };
  if (target == "chat" || target == "chat_stream") {
    // The same Solves as --target=solve, over HTTP: one keep-alive
    // connection per worker thread, as each gRPC worker shares a channel.
    absl::StatusOr<std::string> token =
        ReadBearerToken(options.security.token_file);
    if (!token.ok()) return token.status();
    const bool stream = target == "chat_stream";
    return client::SendRequest([address = options.address, token = *token,
                                problem, search = options.search, timeout,
                                stream](int64_t index) {
      thread_local std::map<std::string,
                            std::unique_ptr<client::ChatCompletionsClient>>
          clients;
      std::unique_ptr<client::ChatCompletionsClient>& client = clients[address];
      if (client == nullptr) {
        client =
            std::make_unique<client::ChatCompletionsClient>(address, token);
      }
      return client->Solve(backends::ToProto(problem(index), search), stream,
                           timeout);
    });
  }
  // No retries: these are the clients that never back off.
  absl::StatusOr<std::shared_ptr<grpc::Channel>> secured =
      backends::ClientChannel(options.address, options.security.channel);
  if (!secured.ok()) return secured.status();
  std::shared_ptr<grpc::Channel> channel = *secured;
  if (target == "solve") {
    absl::StatusOr<std::string> token =
        ReadBearerToken(options.security.token_file);
    if (!token.ok()) return token.status();
    auto client = std::make_shared<client::OrchestratorClient>(channel, *token);
    return client::SendRequest([client, problem, search = options.search,
                                timeout](int64_t index) {
      return client->Solve(backends::ToProto(problem(index), search), timeout)
          .status();
    });
  }
  if (target == "propose") {
    auto client = std::make_shared<backends::GeneratorClient>(channel);
    arts::v1::ProposeRequest base;
    base.set_num_candidates(options.candidates);
    base.set_max_steps(options.propose_steps);
    *base.mutable_sampling() = options.sampling;
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
    const int per_call = options.traces;
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
  // ParseLoadtestOptions allows no other target.
  return absl::InvalidArgumentError(absl::StrCat(
      "--target: must be solve, propose or score, got '", target, "'"));
}

int RunLoadtest(const LoadtestOptions& options) {
  const std::string& target = options.target;
  const std::string& address = options.address;
  absl::StatusOr<SplitProblems> split = LoadSplitProblems(options.split);
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
  absl::StatusOr<client::SendRequest> send = MakeSender(options, problems);
  if (!send.ok()) {
    std::cerr << "loadtest: " << send.status().message() << "\n";
    return 2;
  }
  std::cerr << "loadtest: " << target << " on " << address << ", "
            << problems.size() << " puzzles of " << split->split << "\n";
  std::vector<client::LoadResult> results;
  for (int concurrency : options.levels) {
    client::LoadLevel level;
    level.concurrency = concurrency;
    level.duration = options.duration;
    level.max_requests = options.requests;
    results.push_back(client::RunLoad(level, *send));
    std::cerr << client::LoadTable({results.back()});
  }
  std::cout << client::LoadTable(results);
  if (!options.json.empty()) {
    std::ofstream out(options.json);
    out << client::LoadJson(target, results);
    if (!out.good()) {
      std::cerr << "loadtest: --json: cannot write " << options.json << "\n";
      return 1;
    }
  }
  return 0;
}

}  // namespace

Command LoadtestCommand() {
  return MakeCommand<LoadtestOptions>(
      "loadtest",
      "load a service at fixed concurrency: goodput, p50/p90/p99, codes",
      ParseLoadtestOptions, RunLoadtest);
}

}  // namespace arts::cli
