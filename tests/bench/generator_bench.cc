// Speed of the base generator: sampling in-process and over gRPC on
// loopback, and what the KV cache saves per token. Not part of ctest; run
//   ./build/tests/bench/generator_bench [--model=PATH] [--threads=N]
// (docs/BENCHMARKS.md records the figures).
#include <benchmark/benchmark.h>

#include <cstring>
#include <memory>
#include <string>

#include "backends/grpc/generator_client.h"
#include "core/model/generator.h"
#include "server/models/generator_service.h"
#include "server/rpc_metrics.h"
#include "server/server_runner.h"

namespace {

std::string model_path = ARTS_MODELS_DIR "/generator.ckpt";

const arts::model::Generator& SharedGenerator() {
  static const arts::model::Generator* generator = [] {
    auto loaded = arts::model::Generator::Load(model_path);
    if (!loaded.ok()) {
      std::fprintf(stderr, "%s\n",
                   std::string(loaded.status().message()).c_str());
      std::exit(1);
    }
    return loaded->release();
  }();
  return *generator;
}

arts::model::ProposeRequest Request(int n, int max_steps, bool constrained) {
  arts::model::ProposeRequest request;
  request.problem = "4 9 10 13 -> 24";
  request.num_candidates = n;
  request.max_steps = max_steps;
  request.sampling.constrained = constrained;
  return request;
}

// Args: num_candidates, max_steps (0 = whole trace), constrained.
void BM_ProposeInProcess(benchmark::State& state) {
  const auto& generator = SharedGenerator();
  auto request = Request(state.range(0), state.range(1), state.range(2));
  int64_t tokens = 0, candidates = 0;
  for (auto _ : state) {
    request.sampling.seed++;
    auto stats = generator.Propose(
        request, [&](arts::model::Candidate) { ++candidates; });
    tokens += stats->tokens_generated;
  }
  state.counters["candidates/s"] =
      benchmark::Counter(candidates, benchmark::Counter::kIsRate);
  state.counters["sampled_tokens/s"] =
      benchmark::Counter(tokens, benchmark::Counter::kIsRate);
}
BENCHMARK(BM_ProposeInProcess)
    ->ArgsProduct({{1, 16, 64}, {1, 0}, {0, 1}})
    ->ArgNames({"n", "max_steps", "constrained"})
    ->Unit(benchmark::kMillisecond)
    ->UseRealTime();

// The same requests through arts-generator's service on a loopback port.
void BM_ProposeOverGrpc(benchmark::State& state) {
  static arts::server::RpcMetrics* metrics =
      new arts::server::RpcMetrics("generator");
  static arts::server::GeneratorService* service = [] {
    auto* s = new arts::server::GeneratorService(
        *metrics, arts::server::GeneratorService::Options());
    auto loaded = arts::model::Generator::Load(model_path);
    s->SetModel(*std::move(loaded), model_path);
    return s;
  }();
  static auto runner =
      *arts::server::ServerRunner::Start("127.0.0.1:0", {service});
  static arts::backends::GeneratorClient client(arts::backends::InsecureChannel(
      "127.0.0.1:" + std::to_string(runner->port())));
  arts::v1::ProposeRequest request;
  request.set_problem("4 9 10 13 -> 24");
  request.set_num_candidates(state.range(0));
  request.set_max_steps(state.range(1));
  int64_t candidates = 0;
  for (auto _ : state) {
    request.mutable_sampling()->set_seed(request.sampling().seed() + 1);
    absl::Status status = client.Propose(
        request, [&](const arts::v1::Candidate&) { ++candidates; },
        absl::Seconds(30));
    if (!status.ok())
      state.SkipWithError(std::string(status.message()).c_str());
  }
  state.counters["candidates/s"] =
      benchmark::Counter(candidates, benchmark::Counter::kIsRate);
}
BENCHMARK(BM_ProposeOverGrpc)
    ->ArgsProduct({{1, 16, 64}, {1, 0}})
    ->ArgNames({"n", "max_steps"})
    ->Unit(benchmark::kMillisecond)
    ->UseRealTime();

arts::model::TransformerConfig GeneratorShapedConfig() {
  arts::model::TransformerConfig config;
  config.vocab_size = arts::model::Tokenizer().vocab_size();
  return config;
}

// A generator-shaped transformer with random weights, and `rows` slots,
// each holding `length` positions of random tokens.
struct FilledSlots {
  FilledSlots(int rows, int64_t length)
      : config(GeneratorShapedConfig()), net(config), slots(config, rows) {
    torch::NoGradGuard no_grad;
    net->eval();
    for (int r = 0; r < rows; ++r) all.push_back(slots.Acquire());
    prefix = torch::randint(2, config.vocab_size, {rows, length}, torch::kLong);
    slots.Append(all, std::vector<int>(rows, static_cast<int>(length)),
                 net->ForwardRagged(prefix, slots.Copied(all)));
  }
  // One new random token a row.
  torch::Tensor Next() const {
    return torch::randint(2, config.vocab_size,
                          {static_cast<int64_t>(all.size()), 1}, torch::kLong);
  }

  arts::model::TransformerConfig config;
  arts::model::Transformer net;
  arts::model::KvSlots slots;
  std::vector<int> all;
  torch::Tensor prefix;
};

// One decoding step for a batch of 16 rows at context length T: feeding one
// token against the KV cache versus recomputing all T+1 positions.
void BM_DecodeStep(benchmark::State& state) {
  const bool cached = state.range(1);
  FilledSlots filled(16, state.range(0));
  torch::NoGradGuard no_grad;
  const torch::Tensor next = filled.Next();
  for (auto _ : state) {
    if (cached) {  // the slots themselves stay length T
      benchmark::DoNotOptimize(
          filled.net->ForwardRagged(next, filled.slots.Past(filled.all)));
    } else {
      benchmark::DoNotOptimize(
          filled.net->Forward(torch::cat({filled.prefix, next}, 1)));
    }
  }
}
BENCHMARK(BM_DecodeStep)
    ->ArgsProduct({{32, 96, 192}, {0, 1}})
    ->ArgNames({"T", "cached"})
    ->Unit(benchmark::kMicrosecond);

// One decode pass of R rows at context length T, each in its own slot of a
// full store, with the past copied out of the slots (the way every pass
// read it before) or read in place (KvSlots::InPlace, what DecodeBatch
// gives every decode pass). Without autograd, as served: DecodeAttention.
void BM_DecodePass(benchmark::State& state) {
  const int rows = static_cast<int>(state.range(0));
  const bool in_place = state.range(2);
  FilledSlots filled(rows, state.range(1));
  torch::NoGradGuard no_grad;
  const torch::Tensor next = filled.Next();
  for (auto _ : state) {
    benchmark::DoNotOptimize(filled.net->ForwardRagged(
        next, in_place ? filled.slots.InPlace(filled.all)
                       : filled.slots.Copied(filled.all)));
  }
  state.counters["positions/s"] =
      benchmark::Counter(rows, benchmark::Counter::kIsIterationInvariantRate);
}
BENCHMARK(BM_DecodePass)
    ->ArgsProduct({{16, 200}, {32, 96}, {0, 1}})
    ->ArgNames({"rows", "T", "in_place"})
    ->Unit(benchmark::kMillisecond)
    ->UseRealTime();

}  // namespace

int main(int argc, char** argv) {
  int threads = 1;
  for (int i = 1; i < argc; ++i) {
    if (std::strncmp(argv[i], "--model=", 8) == 0) model_path = argv[i] + 8;
    if (std::strncmp(argv[i], "--threads=", 10) == 0) {
      threads = std::atoi(argv[i] + 10);
    }
  }
  torch::set_num_threads(threads);
  benchmark::Initialize(&argc, argv);
  benchmark::RunSpecifiedBenchmarks();
  benchmark::Shutdown();
  return 0;
}
