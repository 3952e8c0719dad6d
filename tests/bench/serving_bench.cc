// The serving figures of docs/BENCHMARKS.md that are measured in one
// process, with the bundled models:
//  - BM_BlasBoundPositions: positions/s of one full forward pass over a large
//    batch, the most this machine's BLAS gets out of the model; the serving
//    rates are compared to it;
//  - BM_Decode: continuous batching, generator positions/s with 1 and with 64
//    concurrent calls of 16 candidates (one DecodeBatch, like the scheduler);
//  - BM_ScoreChildren: 64 one-step children scored with their parents in the
//    prefix cache (incremental) and without (full); the counters give
//    positions fed per child.
//
//   ./build/tests/bench/serving_bench --threads=1 --benchmark_repetitions=3
//       --benchmark_report_aggregates_only=true
// (--threads: compute threads, default 1 as in the services).
#include <benchmark/benchmark.h>
#include <torch/torch.h>

#include <cstdlib>
#include <cstring>
#include <memory>
#include <string>
#include <vector>

#include "core/model/compute_threads.h"
#include "core/model/generator.h"
#include "core/model/memory_reuse.h"
#include "core/verifier/flow_verifier.h"

namespace {

const std::string kModels = ARTS_MODELS_DIR;

const arts::model::Generator& BundledGenerator() {
  static const auto* generator =
      arts::model::Generator::Load(kModels + "/generator.ckpt")->release();
  return *generator;
}

const arts::verifier::FlowVerifier& BundledVerifier() {
  static const auto* verifier =
      arts::verifier::FlowVerifier::Load(kModels + "/verifier_flow.ckpt")
          ->release();
  return *verifier;
}

void BM_BlasBoundPositions(benchmark::State& state) {
  const int64_t rows = state.range(0), length = 64;
  arts::model::TransformerConfig config = BundledGenerator().config();
  arts::model::Transformer net(config);
  net->eval();
  torch::NoGradGuard no_grad;
  const torch::Tensor tokens =
      torch::randint(2, config.vocab_size, {rows, length}, torch::kLong);
  for (auto _ : state) benchmark::DoNotOptimize(net->Forward(tokens));
  state.counters["positions/s"] = benchmark::Counter(
      static_cast<double>(rows * length * state.iterations()),
      benchmark::Counter::kIsRate);
}
BENCHMARK(BM_BlasBoundPositions)->Arg(64)->Unit(benchmark::kMillisecond);

const char* const kProblems[] = {"4 9 10 13 -> 24", "1 5 5 5 -> 24",
                                 "3 3 8 8 -> 24",   "2 4 6 8 -> 24",
                                 "1 2 3 4 -> 24",   "5 5 9 9 -> 24"};

void BM_Decode(benchmark::State& state) {
  const int calls = static_cast<int>(state.range(0));
  const arts::model::Generator& generator = BundledGenerator();
  std::unique_ptr<arts::model::DecodeBatch> batch =
      generator.NewDecodeBatch(1024, /*prefix_cache=*/false);
  int64_t positions = 0, seed = 0;
  for (auto _ : state) {
    int done = 0;
    for (int c = 0; c < calls; ++c) {
      arts::backend::ProposeRequest request;
      request.problem = kProblems[c % 6];
      request.num_candidates = 16;
      request.max_steps = 1;
      request.sampling.seed = ++seed;
      request.sampling.constrained = true;
      auto job = *generator.Prepare(request);
      job->on_candidate = [](arts::backend::Candidate) {};
      job->on_done = [&](absl::Status, const arts::model::ProposeStats&) {
        ++done;
      };
      batch->Add(std::move(job));
    }
    while (done < calls) positions += batch->Step().positions;
  }
  state.counters["positions/s"] = benchmark::Counter(
      static_cast<double>(positions), benchmark::Counter::kIsRate);
}
BENCHMARK(BM_Decode)->Arg(1)->Arg(64)->Unit(benchmark::kMillisecond);

void BM_ScoreChildren(benchmark::State& state) {
  const bool incremental = state.range(0) != 0;
  const arts::verifier::FlowVerifier& verifier = BundledVerifier();
  // 16 parents (one step) with 4 children each (two steps).
  std::vector<arts::backend::TraceRef> parents, children;
  const char* const firsts[] = {
      "13 - 9 = 4 (left: 4 4 10)", "10 - 4 = 6 (left: 6 9 13)",
      "9 + 13 = 22 (left: 4 10 22)", "4 * 9 = 36 (left: 10 13 36)"};
  const char* const seconds[] = {"4 + 4 = 8", "10 - 4 = 6", "4 * 10 = 40",
                                 "10 / 4 = 5/2"};
  for (int p = 0; p < 16; ++p) {
    arts::backend::TraceRef parent = {
        std::string(kProblems[p % 6]),
        {std::string(firsts[p % 4]) + std::string(p / 4, ' ')}};
    parents.push_back(parent);
    for (const char* second : seconds) {
      arts::backend::TraceRef child = parent;
      child.steps.push_back(second);
      children.push_back(child);
    }
  }
  auto encoded_parents = *verifier.Encode(parents);
  auto encoded_children = *verifier.Encode(children);
  std::vector<const arts::verifier::EncodedTrace*> parent_batch, child_batch;
  for (const auto& t : encoded_parents) parent_batch.push_back(&t);
  for (const auto& t : encoded_children) child_batch.push_back(&t);
  arts::verifier::ScoreStats stats;
  for (auto _ : state) {
    state.PauseTiming();
    arts::verifier::PrefixCache cache(int64_t{256} << 20);
    if (incremental) (void)verifier.ScoreEncoded(parent_batch, &cache);
    state.ResumeTiming();
    benchmark::DoNotOptimize(verifier.ScoreEncoded(
        child_batch, incremental ? &cache : nullptr, &stats));
  }
  state.counters["positions/child"] =
      static_cast<double>(stats.positions) / static_cast<double>(stats.traces);
  state.counters["children/s"] = benchmark::Counter(
      static_cast<double>(stats.traces), benchmark::Counter::kIsRate);
}
BENCHMARK(BM_ScoreChildren)
    ->Arg(0)
    ->Arg(1)
    ->ArgName("incremental")
    ->Unit(benchmark::kMillisecond);

}  // namespace

int main(int argc, char** argv) {
  int threads = 1;
  for (int i = 1; i < argc; ++i) {
    if (std::strncmp(argv[i], "--threads=", 10) == 0) {
      threads = std::atoi(argv[i] + 10);
    }
  }
  (void)arts::model::SetComputeThreads(threads);
  arts::model::KeepFreedMemoryForReuse();
  benchmark::Initialize(&argc, argv);
  benchmark::RunSpecifiedBenchmarks();
  benchmark::Shutdown();
  return 0;
}
