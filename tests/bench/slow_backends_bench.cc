// The orchestrator against slow backends (issue 19's target): the real
// arts-orchestrator binary, with its default flags, over a third-party-style
// Generator and Verifier of the toy `text` task that answer every call
// after --latency and hold no thread while they wait
// (tests/slow_text_services.h). For each concurrency it prints Solve/s
// against the ideal, concurrent Solves / (backend calls per Solve x
// latency), the latencies, the status codes, and the orchestrator's peak
// threads and memory, read from /proc.
//
//   build/tests/bench/slow_backends_bench
//       --orchestrator=build/server/arts-orchestrator
//       --latency=100ms --concurrency=1,64,256 --duration=20s
//       [--via=chat_stream]   # the same Solves over the HTTP API
#include <algorithm>
#include <atomic>
#include <fstream>
#include <iostream>
#include <string>
#include <thread>
#include <vector>

#include "absl/flags/flag.h"
#include "absl/flags/parse.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/strings/str_split.h"
#include "backends/grpc/channel.h"
#include "backends/grpc/search_proto.h"
#include "client/chat_completions_client.h"
#include "client/load_runner.h"
#include "client/orchestrator_client.h"
#include "tests/grpc_support.h"
#include "tests/scripted_policy.h"
#include "tests/server_process.h"
#include "tests/slow_text_services.h"

ABSL_FLAG(std::string, orchestrator, "build/server/arts-orchestrator",
          "the arts-orchestrator binary");
ABSL_FLAG(std::vector<std::string>, orchestrator_flags, {},
          "extra flags for it (comma-separated); none: its defaults");
ABSL_FLAG(absl::Duration, latency, absl::Milliseconds(100),
          "what every backend call takes");
ABSL_FLAG(std::string, concurrency, "1,64,256",
          "concurrent Solves, one level each");
ABSL_FLAG(absl::Duration, duration, absl::Seconds(20), "length of a level");
ABSL_FLAG(std::string, problem, "spell abcd", "the toy problem solved");
ABSL_FLAG(std::string, log, "/tmp/slow_backends_orchestrator.log",
          "the orchestrator's output");
ABSL_FLAG(std::string, via, "grpc",
          "how the Solves go: grpc, or over the OpenAI-compatible HTTP API, "
          "chat (one JSON answer) or chat_stream (server-sent events)");

namespace arts {
namespace {

// A line "Name:   value kB" of /proc/PID/status, as a number.
int64_t ProcStatus(pid_t pid, const std::string& name) {
  std::ifstream in(absl::StrCat("/proc/", pid, "/status"));
  std::string line;
  while (std::getline(in, line)) {
    if (line.rfind(name + ":", 0) != 0) continue;
    std::vector<std::string> words =
        absl::StrSplit(line.substr(name.size() + 1), absl::ByAnyChar(" \t"),
                       absl::SkipEmpty());
    int64_t value = 0;
    if (!words.empty() && absl::SimpleAtoi(words[0], &value)) return value;
  }
  return 0;
}

int Main() {
  const absl::Duration latency = absl::GetFlag(FLAGS_latency);
  testing_support::SlowTextServers backends(latency);
  const int port = testing_support::FreePort();
  const std::string via = absl::GetFlag(FLAGS_via);
  if (via != "grpc" && via != "chat" && via != "chat_stream") {
    std::cerr << "--via: must be grpc, chat or chat_stream, got " << via
              << "\n";
    return 2;
  }
  const std::string http_address =
      absl::StrCat("127.0.0.1:", testing_support::FreePort());
  std::vector<std::string> flags = {
      absl::StrCat("--listen=127.0.0.1:", port),
      "--metrics_listen=", "--generator=" + backends.address(),
      "--verifier=" + backends.address(), "--http_listen=" + http_address};
  for (const std::string& flag : absl::GetFlag(FLAGS_orchestrator_flags)) {
    flags.push_back(flag);
  }
  testing_support::ServerProcess orchestrator(absl::GetFlag(FLAGS_orchestrator),
                                              flags, absl::GetFlag(FLAGS_log));
  auto channel = backends::InsecureChannel(absl::StrCat("127.0.0.1:", port));
  const bool serving = testing_support::Eventually(
      [&] {
        return testing_support::Health(channel, absl::Seconds(2)) ==
               grpc::health::v1::HealthCheckResponse::SERVING;
      },
      absl::Seconds(60));
  if (!serving) {
    std::cerr << "the orchestrator did not start serving\n"
              << orchestrator.Log();
    return 1;
  }
  auto client = std::make_shared<client::OrchestratorClient>(channel);
  search::SearchOptions options =
      testing_support::ToyOptions(search::Strategy::kBeam);
  options.beam_width = 2;
  options.proposals = 2;
  options.top_n = 1;
  const arts::v1::SolveRequest request =
      backends::ToProto(absl::GetFlag(FLAGS_problem), options);
  // Deadlines far past a Solve's ideal time: only the orchestrator's own
  // queueing can make a call late.
  const absl::Duration timeout = absl::Seconds(120);
  const pid_t pid = orchestrator.pid();
  const int64_t idle_rss_kb = ProcStatus(pid, "VmRSS");
  std::cout << absl::StrFormat(
      "latency %s, orchestrator %s via %s (idle: %d threads, %d MB)\n\n",
      absl::FormatDuration(latency), absl::GetFlag(FLAGS_orchestrator), via,
      ProcStatus(pid, "Threads"), idle_rss_kb / 1024);
  std::cout << "| concurrent Solves | Solve/s | ideal | of the ideal | "
               "calls per Solve | p50 / p99 | codes | orchestrator threads "
               "(peak) | orchestrator RSS (peak) |\n"
               "| --- | --- | --- | --- | --- | --- | --- | --- | --- |\n";
  for (absl::string_view level_text :
       absl::StrSplit(absl::GetFlag(FLAGS_concurrency), ',')) {
    client::LoadLevel level;
    if (!absl::SimpleAtoi(level_text, &level.concurrency)) {
      std::cerr << "--concurrency: not a number: " << level_text << "\n";
      return 2;
    }
    level.duration = absl::GetFlag(FLAGS_duration);
    const int64_t calls_before =
        backends.generator().calls() + backends.verifier().calls();
    std::atomic<bool> sampling{true};
    std::atomic<int64_t> peak_threads{0}, peak_rss_kb{0};
    std::thread sampler([&] {
      while (sampling.load()) {
        peak_threads =
            std::max<int64_t>(peak_threads.load(), ProcStatus(pid, "Threads"));
        peak_rss_kb =
            std::max<int64_t>(peak_rss_kb.load(), ProcStatus(pid, "VmRSS"));
        absl::SleepFor(absl::Milliseconds(100));
      }
    });
    const client::LoadResult result = client::RunLoad(level, [&](int64_t) {
      if (via == "grpc") return client->Solve(request, timeout).status();
      thread_local client::ChatCompletionsClient http(http_address, "");
      return http.Solve(request, via == "chat_stream", timeout);
    });
    sampling = false;
    sampler.join();
    const int64_t calls = backends.generator().calls() +
                          backends.verifier().calls() - calls_before;
    const double per_solve =
        result.ok > 0 ? static_cast<double>(calls) / result.ok : 0;
    const double ideal =
        per_solve > 0
            ? level.concurrency / (per_solve * absl::ToDoubleSeconds(latency))
            : 0;
    std::string codes;
    for (const auto& [code, count] : result.codes) {
      absl::StrAppend(&codes, codes.empty() ? "" : ", ", code, " ", count);
    }
    std::cout << absl::StrFormat(
        "| %d | %.1f | %.1f | %.0f%% | %.2f | %.2f / %.2f s | %s | %d | %d MB "
        "|\n",
        level.concurrency, result.ok_per_second, ideal,
        ideal > 0 ? 100 * result.ok_per_second / ideal : 0, per_solve,
        result.p50, result.p99, codes, peak_threads.load(),
        peak_rss_kb.load() / 1024);
    std::cout.flush();
  }
  return 0;
}

}  // namespace
}  // namespace arts

int main(int argc, char** argv) {
  absl::ParseCommandLine(argc, argv);
  return arts::Main();
}
