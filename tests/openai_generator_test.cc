// arts-generator forwarding to an OpenAI-compatible completions server
// (--openai_url), as processes on loopback: the stand-in server of
// tests/openai_stand_in.py (no real LLM server runs here), arts-generator
// over it, and arts-orchestrator over that with the scripted verifier. The
// same strategy, cancellation and deadline checks as the scripted
// generator's (orchestrator_binary_test.cc), plus what the HTTP side adds:
// the request the server sees, its errors, TLS and an API key.
#include <cctype>
#include <map>
#include <nlohmann/json.hpp>
#include <string>
#include <thread>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/time/clock.h"
#include "absl/time/time.h"
#include "backends/grpc/generator_client.h"
#include "backends/grpc/grpc_policy.h"
#include "backends/grpc/search_proto.h"
#include "client/orchestrator_client.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "tests/scripted_policy.h"
#include "tests/scripted_services.h"
#include "tests/server_process.h"
#include "tests/test_certificates.h"
#include "tests/test_support.h"

namespace arts {
namespace {

using ::arts::testing_support::FreePort;
using ::arts::testing_support::HttpGet;
using ::arts::testing_support::LoopbackFlags;
using ::arts::testing_support::RunResult;
using ::arts::testing_support::RunToExit;
using ::arts::testing_support::ScriptedServers;
using ::arts::testing_support::ServerProcess;
using ::arts::testing_support::ServingServer;
using ::arts::testing_support::TempDir;
using ::arts::testing_support::With;
using ::testing::HasSubstr;

constexpr char kGenerator[] = ARTS_GENERATOR_BINARY;
constexpr char kOrchestrator[] = ARTS_ORCHESTRATOR_BINARY;
constexpr char kStandIn[] =
    ARTS_SOURCE_DIR "/examples/python/toy_llm_server.py";
constexpr char kPython[] = "/usr/bin/python3";
constexpr char kTempPrefix[] = "openai_generator_test";

// The stand-in server as a process, up once it answers GET /stats.
class StandIn {
 public:
  StandIn(const TempDir& dir, std::vector<std::string> flags = {})
      : port_(FreePort()) {
    std::vector<std::string> args = {kStandIn, "--port", std::to_string(port_)};
    args.insert(args.end(), flags.begin(), flags.end());
    process_ = std::make_unique<ServerProcess>(
        kPython, args, dir.File(absl::StrCat("stand_in_", port_, ".txt")));
  }

  // Waits up to 10 s for the server to say it listens.
  void AwaitUp() {
    const absl::Time until = absl::Now() + absl::Seconds(10);
    while (absl::Now() < until) {
      if (process_->Log().find("serving on") != std::string::npos) return;
      absl::SleepFor(absl::Milliseconds(20));
    }
    FAIL() << "the stand-in did not come up: " << process_->Log();
  }

  nlohmann::json Stats() const {
    return nlohmann::json::parse(HttpGet(port_, "/stats"));
  }
  std::string url(const std::string& scheme = "http") const {
    return absl::StrCat(scheme, "://127.0.0.1:", port_, "/v1");
  }
  int port() const { return port_; }

 private:
  int port_;
  std::unique_ptr<ServerProcess> process_;
};

// arts-generator over `stand_in`, once both are up.
void StartGeneratorOver(StandIn& stand_in, const TempDir& dir,
                        ServingServer& generator) {
  ASSERT_NO_FATAL_FAILURE(stand_in.AwaitUp());
  ASSERT_NO_FATAL_FAILURE(generator.Start(
      kGenerator, {"--openai_url=" + stand_in.url(), "--openai_model=toy"},
      dir.File("generator.txt")));
}

class OpenAiGeneratorTest : public ::testing::Test {
 protected:
  void SetUp() override {
    ASSERT_NO_FATAL_FAILURE(StartGeneratorOver(stand_in_, dir_, generator_));
  }

  // Proposes through the Generator contract, as the orchestrator does.
  absl::Status Propose(const backend::ProposeRequest& request,
                       std::vector<backend::Candidate>& out,
                       absl::Duration timeout = absl::Seconds(20)) {
    backends::GrpcPolicy policy(generator_.channel, timeout);
    return policy.Propose(
        request, backend::CallContext{},
        [&out](backend::Candidate c) { out.push_back(std::move(c)); });
  }

  static backend::ProposeRequest TextRequest(int n, int max_steps) {
    backend::ProposeRequest request;
    request.task = "text";
    request.problem = "spell cab";
    request.num_candidates = n;
    request.max_steps = max_steps;
    request.sampling.seed = 7;
    return request;
  }

  TempDir dir_{kTempPrefix};
  StandIn stand_in_{dir_};
  ServingServer generator_;
};

TEST_F(OpenAiGeneratorTest, OneStepPerCandidateWithItsLogprobAndTokens) {
  backend::ProposeRequest request = TextRequest(8, 1);
  request.prefixes = {{}, {"letter c", "letter a"}};
  std::vector<backend::Candidate> candidates;
  ASSERT_TRUE(Propose(request, candidates).ok());
  ASSERT_EQ(candidates.size(), 16u);
  std::map<std::pair<int, int>, int> seen;
  for (const backend::Candidate& c : candidates) {
    ++seen[{c.prefix_index, c.index}];
    ASSERT_EQ(c.steps.size(), 1u);
    EXPECT_TRUE(c.valid) << c.invalid_reason;
    EXPECT_EQ(c.steps[0].substr(0, 7), "letter ") << c.steps[0];
    // "letter" and " x": the newline that ends the step is not counted.
    EXPECT_EQ(c.num_tokens, 2);
    EXPECT_LT(c.logprob, 0);  // the letter's log probability
    EXPECT_FALSE(c.terminal);
  }
  EXPECT_EQ(seen.size(), 16u);  // each (prefix, index) once
  // The server saw one request per prefix, n candidates each, a step at a
  // time.
  const nlohmann::json body = stand_in_.Stats()["last_body"];
  EXPECT_EQ(body["n"], 8);
  EXPECT_EQ(body["stop"], nlohmann::json::array({"\n"}));
  EXPECT_EQ(body["model"], "toy");
  EXPECT_EQ(body["max_tokens"], 256);
}

TEST_F(OpenAiGeneratorTest, AStepThatMatchesTheAnswerRuleEndsTheTrace) {
  backend::ProposeRequest request = TextRequest(4, 1);
  request.prefixes = {{"letter c", "letter a", "letter b"}};
  std::vector<backend::Candidate> candidates;
  ASSERT_TRUE(Propose(request, candidates).ok());
  ASSERT_EQ(candidates.size(), 4u);
  for (const backend::Candidate& c : candidates) {
    ASSERT_EQ(c.steps, std::vector<std::string>{"answer: CAB"});
    EXPECT_TRUE(c.terminal);
    EXPECT_EQ(c.final_answer, "CAB");
  }
}

TEST_F(OpenAiGeneratorTest, WholeTracesAndSeveralStepsEndAtTheAnswer) {
  for (int max_steps : {0, 8}) {
    SCOPED_TRACE(max_steps);
    std::vector<backend::Candidate> candidates;
    ASSERT_TRUE(Propose(TextRequest(6, max_steps), candidates).ok());
    ASSERT_EQ(candidates.size(), 6u);
    for (const backend::Candidate& c : candidates) {
      // Three letters, then the answer: the letters in capitals.
      ASSERT_EQ(c.steps.size(), 4u) << absl::StrJoin(c.steps, " | ");
      EXPECT_TRUE(c.terminal);
      std::string letters;
      for (int s = 0; s < 3; ++s) letters += c.steps[s].substr(7);
      for (char& ch : letters) ch = static_cast<char>(std::toupper(ch));
      EXPECT_EQ(c.final_answer, letters);
      // 3 tokens per letter step with its newline, 3 for the answer; one
      // request writes the whole trace, so the newlines inside count.
      EXPECT_EQ(c.num_tokens, max_steps == 0 ? 12 : 9);
    }
    if (max_steps == 0) {
      const nlohmann::json body = stand_in_.Stats()["last_body"];
      EXPECT_FALSE(body.contains("stop"));
      EXPECT_EQ(body["max_tokens"], 2048);
    }
  }
}

TEST_F(OpenAiGeneratorTest, SamplingIsPassedThroughAndTheSeedRepeats) {
  backend::ProposeRequest request = TextRequest(4, 0);
  request.sampling.temperature = 0.7;
  request.sampling.top_p = 0.9;
  request.sampling.top_k = 5;
  std::vector<backend::Candidate> first, again, other;
  ASSERT_TRUE(Propose(request, first).ok());
  const nlohmann::json body = stand_in_.Stats()["last_body"];
  EXPECT_DOUBLE_EQ(body["temperature"].get<double>(), 0.7);
  EXPECT_DOUBLE_EQ(body["top_p"].get<double>(), 0.9);
  EXPECT_EQ(body["top_k"], 5);
  EXPECT_TRUE(body["seed"].is_number_integer());
  EXPECT_EQ(body["logprobs"], 1);
  ASSERT_TRUE(Propose(request, again).ok());
  request.sampling.seed = 8;
  ASSERT_TRUE(Propose(request, other).ok());
  auto steps_of = [](const std::vector<backend::Candidate>& cs) {
    std::map<int, std::vector<std::string>> out;
    for (const backend::Candidate& c : cs) out[c.index] = c.steps;
    return out;
  };
  EXPECT_EQ(steps_of(first), steps_of(again));
  EXPECT_NE(steps_of(first), steps_of(other));
}

TEST_F(OpenAiGeneratorTest, ErrorsNameTheFieldOrTheServer) {
  std::vector<backend::Candidate> candidates;
  backend::ProposeRequest request = TextRequest(4, 1);
  request.task = "countdown";
  absl::Status status = Propose(request, candidates);
  EXPECT_EQ(status.code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(status.message(), HasSubstr("task:"));
  request = TextRequest(65, 1);
  status = Propose(request, candidates);
  EXPECT_EQ(status.code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(status.message(), HasSubstr("num_candidates"));
  request = TextRequest(4, 1);
  request.prefixes = {{"letter c\nletter a"}};
  status = Propose(request, candidates);
  EXPECT_EQ(status.code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(status.message(), HasSubstr("prefixes[0].steps[0]"));
  // The server's own 400, passed on with its message.
  request = TextRequest(4, 1);
  request.problem = "say hello";
  status = Propose(request, candidates);
  EXPECT_EQ(status.code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(status.message(), HasSubstr("openai: HTTP 400"));
  EXPECT_THAT(status.message(), HasSubstr("no 'spell WORD' or 'sum A B"));
  EXPECT_TRUE(candidates.empty());
}

TEST_F(OpenAiGeneratorTest, GetModelInfoNamesTheServerAndModel) {
  backends::GeneratorClient client(generator_.channel);
  absl::StatusOr<arts::v1::ModelInfo> info =
      client.GetModelInfo(absl::Seconds(5));
  ASSERT_TRUE(info.ok()) << info.status();
  EXPECT_EQ(info->path(), stand_in_.url());
  EXPECT_EQ(info->metadata().at("backend"), "openai-completions");
  EXPECT_EQ(info->metadata().at("model"), "toy");
}

// Every strategy through arts-orchestrator, with the OpenAI-backed
// generator and the scripted verifier: the checks of
// TextTaskBinaryTest.EveryStrategySolvesThroughThirdPartyServices.
TEST_F(OpenAiGeneratorTest, EveryStrategySolvesThroughTheOrchestrator) {
  ScriptedServers scripted(absl::ZeroDuration());
  ServingServer orchestrator;
  ASSERT_NO_FATAL_FAILURE(orchestrator.Start(
      kOrchestrator,
      {"--generator=" + generator_.target, "--verifier=" + scripted.address()},
      dir_.File("orchestrator.txt")));
  client::OrchestratorClient client(orchestrator.channel);
  for (search::Strategy strategy : search::kAllStrategies) {
    SCOPED_TRACE(search::StrategyName(strategy));
    int found = 0;
    for (uint64_t seed = 1; seed <= 5; ++seed) {
      SCOPED_TRACE(seed);
      arts::v1::SolveRequest request =
          backends::ToProto("spell cab", testing_support::ToyOptions(strategy));
      request.set_seed(seed);
      request.mutable_params()->set_proposals(8);
      const int64_t completions_before =
          stand_in_.Stats()["completions"].get<int64_t>();
      absl::StatusOr<arts::v1::SolveResponse> response =
          client.Solve(request, absl::Seconds(20));
      ASSERT_TRUE(response.ok()) << response.status();
      ASSERT_GE(response->answers_size(), 1);
      const arts::v1::CostReceipt& cost = response->cost();
      // Each generator call is at least one completions request.
      EXPECT_GE(
          stand_in_.Stats()["completions"].get<int64_t>() - completions_before,
          cost.generator_calls());
      EXPECT_GT(cost.tokens_generated(), 0);
      if (strategy == search::Strategy::kMajorityVote) continue;
      EXPECT_GE(cost.verifier_calls(), 1);
      if (response->answers(0).final_value() == "CAB") {
        EXPECT_TRUE(response->answers(0).terminal());
        ++found;
      }
    }
    if (strategy != search::Strategy::kMajorityVote) {
      EXPECT_GE(found, 4);
    }
  }
  orchestrator.channel.reset();
  orchestrator.StopWithSigterm();
}

// A server that takes 20 s per request: cancelling the Solve, or its
// deadline passing, must close the HTTP request (the server sees its client
// go, so a real LLM server stops generating).
class OpenAiSlowServerTest : public ::testing::Test {
 protected:
  void SetUp() override {
    ASSERT_NO_FATAL_FAILURE(StartGeneratorOver(stand_in_, dir_, generator_));
    ASSERT_NO_FATAL_FAILURE(
        orchestrator_.Start(kOrchestrator,
                            {"--generator=" + generator_.target,
                             "--verifier=" + scripted_.address()},
                            dir_.File("orchestrator.txt")));
  }

  void AwaitRequest() {
    const absl::Time until = absl::Now() + absl::Seconds(10);
    while (stand_in_.Stats()["requests"].get<int>() == 0 &&
           absl::Now() < until) {
      absl::SleepFor(absl::Milliseconds(5));
    }
    ASSERT_GT(stand_in_.Stats()["requests"].get<int>(), 0);
  }

  // How long after `since` the server saw its client go (10 s if not).
  absl::Duration AbortAfter(absl::Time since) {
    const absl::Time until = absl::Now() + absl::Seconds(10);
    while (stand_in_.Stats()["aborted"].get<int>() == 0 &&
           absl::Now() < until) {
      absl::SleepFor(absl::Milliseconds(2));
    }
    if (stand_in_.Stats()["aborted"].get<int>() == 0) return absl::Seconds(10);
    return absl::FromUnixMicros(static_cast<int64_t>(
               stand_in_.Stats()["last_abort"].get<double>() * 1e6)) -
           since;
  }

  static arts::v1::SolveRequest Request(search::Strategy strategy) {
    return backends::ToProto("spell cab",
                             testing_support::ToyOptions(strategy));
  }

  TempDir dir_{kTempPrefix};
  StandIn stand_in_{dir_, {"--delay_ms", "20000"}};
  ScriptedServers scripted_{absl::ZeroDuration()};
  ServingServer generator_, orchestrator_;
};

TEST_F(OpenAiSlowServerTest, CancelledSolveClosesTheRequestWithin100ms) {
  auto stub = arts::v1::Orchestrator::NewStub(orchestrator_.channel);
  grpc::ClientContext context;
  context.set_deadline(std::chrono::system_clock::now() +
                       std::chrono::seconds(60));
  grpc::Status status;
  std::thread solve([&] {
    arts::v1::SolveResponse response;
    status = stub->Solve(&context, Request(search::Strategy::kBeam), &response);
  });
  ASSERT_NO_FATAL_FAILURE(AwaitRequest());
  const absl::Time cancelled_at = absl::Now();
  context.TryCancel();
  const absl::Duration closed_after = AbortAfter(cancelled_at);
  solve.join();
  EXPECT_EQ(status.error_code(), grpc::StatusCode::CANCELLED);
  EXPECT_LT(closed_after, absl::Milliseconds(100));
  std::cout << "the HTTP request closed " << absl::FormatDuration(closed_after)
            << " after the cancel\n";
}

TEST_F(OpenAiSlowServerTest, SolveDeadlineClosesTheRequestWithin100ms) {
  client::OrchestratorClient client(orchestrator_.channel);
  const absl::Duration deadline = absl::Milliseconds(800);
  const absl::Time start = absl::Now();
  absl::StatusOr<arts::v1::SolveResponse> response =
      client.Solve(Request(search::Strategy::kArts), deadline);
  EXPECT_EQ(response.status().code(), absl::StatusCode::kDeadlineExceeded);
  EXPECT_THAT(response.status().message(), HasSubstr("generator"));
  // The backend call ends a margin before the Solve's deadline.
  EXPECT_LT(AbortAfter(start + deadline), absl::Milliseconds(100));
}

TEST(OpenAiServerErrorsTest, AuthTlsAndAbsentServersAreNamed) {
  TempDir dir(kTempPrefix);
  absl::StatusOr<testing_support::TestCertificates> certs =
      testing_support::MakeTestCertificates(dir);
  ASSERT_TRUE(certs.ok()) << certs.status();
  StandIn stand_in(dir, {"--api_key", "sesame", "--tls_cert",
                         certs->server_cert, "--tls_key", certs->server_key});
  ASSERT_NO_FATAL_FAILURE(stand_in.AwaitUp());
  const std::string key_file = dir.File("key.txt");
  testing_support::WriteFile(key_file, "sesame\n");
  const std::string wrong_key = dir.File("wrong.txt");
  testing_support::WriteFile(wrong_key, "open up\n");
  const int dead_port = FreePort();
  struct Case {
    std::string name;
    std::vector<std::string> flags;
    absl::StatusCode code;
    std::string message;
  };
  const std::string https = stand_in.url("https");
  const std::vector<Case> cases = {
      {"TLS and the key",
       {"--openai_url=" + https, "--openai_ca_file=" + certs->ca,
        "--openai_api_key_file=" + key_file},
       absl::StatusCode::kOk,
       ""},
      {"a wrong key",
       {"--openai_url=" + https, "--openai_ca_file=" + certs->ca,
        "--openai_api_key_file=" + wrong_key},
       absl::StatusCode::kUnauthenticated,
       "Incorrect API key"},
      {"an untrusted certificate",
       {"--openai_url=" + https, "--openai_api_key_file=" + key_file},
       absl::StatusCode::kUnavailable,
       "openai:"},
      {"an unknown model",
       {"--openai_url=" + https, "--openai_ca_file=" + certs->ca,
        "--openai_api_key_file=" + key_file, "--openai_model=gpt-9"},
       absl::StatusCode::kNotFound,
       "gpt-9"},
      {"no server",
       {absl::StrCat("--openai_url=http://127.0.0.1:", dead_port, "/v1")},
       absl::StatusCode::kUnavailable,
       "openai:"},
  };
  for (const Case& c : cases) {
    SCOPED_TRACE(c.name);
    ServingServer generator;
    std::vector<std::string> flags = c.flags;
    if (c.name != "an unknown model") flags.push_back("--openai_model=toy");
    ASSERT_NO_FATAL_FAILURE(generator.Start(
        kGenerator, flags, dir.File("generator_" + c.name + ".txt")));
    {  // the client's connection closes before the drain
      backends::GrpcPolicy policy(generator.channel, absl::Seconds(10));
      backend::ProposeRequest request;
      request.task = "text";
      request.problem = "spell ab";
      request.num_candidates = 2;
      int candidates = 0;
      const absl::Status status =
          policy.Propose(request, backend::CallContext{},
                         [&candidates](backend::Candidate) { ++candidates; });
      EXPECT_EQ(status.code(), c.code) << status;
      EXPECT_THAT(status.message(), HasSubstr(c.message));
      if (c.code == absl::StatusCode::kOk) {
        EXPECT_EQ(candidates, 2);
      }
    }
    generator.channel.reset();
    generator.StopWithSigterm();
  }
}

TEST(OpenAiGeneratorFlagsTest, BadFlagValuesAreNamed) {
  TempDir dir(kTempPrefix);
  const std::vector<std::pair<std::vector<std::string>, std::string>> cases = {
      {{"--openai_url=ftp://x"}, "--openai_url: must start with http"},
      {{"--openai_url=http://x/v1", "--openai_model="},
       "--openai_model: must name"},
      {{"--openai_url=http://x/v1", "--openai_answer_regex=(a)(b)"},
       "--openai_answer_regex: at most one capturing group"},
      {{"--openai_url=http://x/v1", "--openai_answer_regex=(a"},
       "--openai_answer_regex: not a regular expression"},
      {{"--openai_url=http://x/v1", "--openai_api_key_file=/nonexistent"},
       "--openai_api_key_file: cannot read"},
      {{"--openai_url=http://x/v1", "--openai_max_step_tokens=0"},
       "--openai_max_step_tokens: must be 1 to"},
      {{"--openai_url=http://x/v1", "--openai_delimiter="},
       "--openai_delimiter: must not be empty"},
      {{"--openai_url=http://x/v1", "--openai_ca_file=/nonexistent"},
       "--openai_ca_file: cannot read"},
  };
  for (const auto& [flags, message] : cases) {
    SCOPED_TRACE(message);
    std::vector<std::string> all = With(LoopbackFlags(), flags);
    if (flags.size() == 1 || flags[1].rfind("--openai_model", 0) != 0) {
      all.push_back("--openai_model=toy");
    }
    const RunResult run = RunToExit(kGenerator, all, dir.File("run.txt"));
    EXPECT_EQ(run.exit_code, 2) << run.log;
    EXPECT_THAT(run.log, HasSubstr(message));
  }
}

}  // namespace
}  // namespace arts
