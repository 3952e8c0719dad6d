// Speed of a whole search: each strategy in one process, and the same search
// through the Orchestrator service calling the Generator and Verifier
// services on loopback (three gRPC servers in this process). Not part of
// ctest; run
//   ./build/tests/bench/search_bench
// (docs/BENCHMARKS.md records the figures).
#include <benchmark/benchmark.h>

#include <memory>
#include <string>

#include "backends/grpc/channel.h"
#include "backends/grpc/search_proto.h"
#include "backends/local/local_policy.h"
#include "backends/local/local_scorer.h"
#include "client/orchestrator_client.h"
#include "core/model/generator.h"
#include "core/search/search.h"
#include "core/verifier/flow_verifier.h"
#include "server/models/generator_service.h"
#include "server/models/verifier_service.h"
#include "server/orchestrator_service.h"
#include "server/rpc_metrics.h"
#include "server/search_backends.h"
#include "server/server_runner.h"

namespace {

using arts::search::Strategy;

constexpr char kGenerator[] = ARTS_MODELS_DIR "/generator.ckpt";
constexpr char kVerifier[] = ARTS_MODELS_DIR "/verifier_flow.ckpt";
constexpr char kProblem[] = "4 9 10 13 -> 24";

template <typename T>
T* OrDie(absl::StatusOr<std::unique_ptr<T>> loaded) {
  if (!loaded.ok()) {
    std::fprintf(stderr, "%s\n",
                 std::string(loaded.status().message()).c_str());
    std::exit(1);
  }
  return loaded->release();
}

arts::search::SearchOptions Options(int strategy) {
  arts::search::SearchOptions options;
  options.strategy = static_cast<Strategy>(strategy);
  options.n = 16;
  // k = 4 and no token budget for beam and arts alike, the settings
  // docs/BENCHMARKS.md reports (arts' own defaults are 2 and 256 tokens).
  options.proposals = 4;
  options.max_tokens = 0;
  options.constrained = true;
  return options;
}

void Add(const arts::search::CostReceipt& cost,
         arts::search::CostReceipt& total) {
  total.tokens_generated += cost.tokens_generated;
  total.generator_calls += cost.generator_calls;
  total.verifier_calls += cost.verifier_calls;
}

// Per search: tokens, and the generator and verifier calls (round trips).
void Report(benchmark::State& state, Strategy strategy,
            const arts::search::CostReceipt& total) {
  state.SetLabel(arts::search::StrategyName(strategy));
  const auto per_search = [](int64_t value) {
    return benchmark::Counter(static_cast<double>(value),
                              benchmark::Counter::kAvgIterations);
  };
  state.counters["tokens/search"] = per_search(total.tokens_generated);
  state.counters["gen_calls/search"] = per_search(total.generator_calls);
  state.counters["ver_calls/search"] = per_search(total.verifier_calls);
}

// Args: the strategy (search::Strategy's order).
void BM_SearchInProcess(benchmark::State& state) {
  static auto* generator = OrDie(arts::model::Generator::Load(kGenerator));
  static auto* verifier = OrDie(arts::verifier::FlowVerifier::Load(kVerifier));
  arts::backends::LocalPolicy policy(*generator);
  arts::backends::LocalScorer scorer(*verifier);
  arts::search::SearchOptions options = Options(state.range(0));
  arts::search::CostReceipt total;
  for (auto _ : state) {
    options.seed++;
    auto result = arts::search::RunSearch(policy, &scorer, kProblem, options);
    if (!result.ok()) {
      state.SkipWithError(std::string(result.status().message()).c_str());
      return;
    }
    Add(result->cost, total);
  }
  Report(state, options.strategy, total);
}

// Three services on loopback; the orchestrator reaches the others over gRPC.
struct Services {
  arts::server::RpcMetrics generator_metrics{"generator"};
  arts::server::RpcMetrics verifier_metrics{"verifier"};
  arts::server::RpcMetrics orchestrator_metrics{"orchestrator"};
  arts::server::GeneratorService generator{
      generator_metrics, arts::server::GeneratorService::Options()};
  arts::server::VerifierService verifier{
      verifier_metrics, arts::server::VerifierService::Options()};
  arts::server::OrchestratorService orchestrator{
      orchestrator_metrics, arts::server::OrchestratorOptions{}};
  std::unique_ptr<arts::server::ServerRunner> generator_runner, verifier_runner,
      orchestrator_runner;

  Services() {
    generator.SetModel(std::unique_ptr<arts::model::Generator>(
                           OrDie(arts::model::Generator::Load(kGenerator))),
                       kGenerator);
    verifier.SetModel(std::unique_ptr<arts::verifier::FlowVerifier>(
                          OrDie(arts::verifier::FlowVerifier::Load(kVerifier))),
                      kVerifier);
    generator_runner =
        *arts::server::ServerRunner::Start("127.0.0.1:0", {&generator});
    verifier_runner =
        *arts::server::ServerRunner::Start("127.0.0.1:0", {&verifier});
    orchestrator.SetBackends(std::make_unique<arts::server::RemoteBackends>(
        *arts::backends::BackendChannel(
            "127.0.0.1:" + std::to_string(generator_runner->port()), {}),
        *arts::backends::BackendChannel(
            "127.0.0.1:" + std::to_string(verifier_runner->port()), {}),
        absl::Seconds(30)));
    orchestrator_runner =
        *arts::server::ServerRunner::Start("127.0.0.1:0", {&orchestrator});
  }
};

void BM_SearchAcrossServices(benchmark::State& state) {
  static Services* services = new Services();
  static arts::client::OrchestratorClient client(
      arts::backends::InsecureChannel(
          "127.0.0.1:" +
          std::to_string(services->orchestrator_runner->port())));
  arts::search::SearchOptions options = Options(state.range(0));
  arts::search::CostReceipt total;
  for (auto _ : state) {
    options.seed++;
    auto response = client.Solve(arts::backends::ToProto(kProblem, options),
                                 absl::Seconds(30));
    if (!response.ok()) {
      state.SkipWithError(std::string(response.status().message()).c_str());
      return;
    }
    Add(arts::backends::FromProto(*response).cost, total);
  }
  Report(state, options.strategy, total);
}

constexpr int kStrategies[] = {
    static_cast<int>(Strategy::kBestOfN), static_cast<int>(Strategy::kBeam),
    static_cast<int>(Strategy::kArts), static_cast<int>(Strategy::kDvts)};

void StrategyArgs(benchmark::internal::Benchmark* b) {
  for (int s : kStrategies) b->Arg(s);
  b->ArgName("strategy")->Unit(benchmark::kMillisecond)->UseRealTime();
}

BENCHMARK(BM_SearchInProcess)->Apply(StrategyArgs);
BENCHMARK(BM_SearchAcrossServices)->Apply(StrategyArgs);

}  // namespace

BENCHMARK_MAIN();
