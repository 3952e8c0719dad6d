// Process-level tests of the arts-generator binary: it is started with
// posix_spawn, its stderr goes to a temporary file, and it is talked to only
// over loopback, the way an operator or a load balancer would.

#include <arpa/inet.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <signal.h>
#include <spawn.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <cstring>
#include <memory>
#include <optional>
#include <random>
#include <set>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/time/clock.h"
#include "absl/time/time.h"
#include "arts/v1/generator.grpc.pb.h"
#include "client/generator_client.h"
#include "core/countdown/checker.h"
#include "core/countdown/problem.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "protos/grpc/health/v1/health.grpc.pb.h"
#include "protos/grpc/reflection/v1alpha/reflection.grpc.pb.h"
#include "tests/test_support.h"

extern char** environ;

namespace arts {
namespace {

using ::arts::testing_support::HttpGet;
using ::arts::testing_support::ReadFile;
using ::arts::testing_support::SaveTinyGenerator;
using ::arts::testing_support::TempDir;
using ::arts::testing_support::WriteFile;
using ::grpc::health::v1::HealthCheckRequest;
using ::grpc::health::v1::HealthCheckResponse;
using ::testing::HasSubstr;
using ::testing::Not;

constexpr char kBinary[] = ARTS_GENERATOR_BINARY;
constexpr char kTempPrefix[] = "generator_binary_test";

// The tiny random generator checkpoint these tests serve.
void SaveTinyModel(const std::string& path) {
  SaveTinyGenerator(path, /*seed=*/17, {{"note", "binary"}});
}

// A loopback port that was free a moment ago.
int FreePort() {
  const int fd = socket(AF_INET, SOCK_STREAM, 0);
  EXPECT_GE(fd, 0);
  sockaddr_in address{};
  address.sin_family = AF_INET;
  address.sin_port = 0;
  inet_pton(AF_INET, "127.0.0.1", &address.sin_addr);
  int port = 0;
  if (bind(fd, reinterpret_cast<sockaddr*>(&address), sizeof(address)) == 0) {
    socklen_t length = sizeof(address);
    getsockname(fd, reinterpret_cast<sockaddr*>(&address), &length);
    port = ntohs(address.sin_port);
  }
  close(fd);
  EXPECT_GT(port, 0);
  return port;
}

// arts-generator as a child process with stdout and stderr in a file. The
// destructor kills it if it is still running, so no test leaves one behind.
class GeneratorProcess {
 public:
  GeneratorProcess(const std::vector<std::string>& flags,
                   const std::string& log_path)
      : log_path_(log_path) {
    std::vector<std::string> args = {kBinary};
    args.insert(args.end(), flags.begin(), flags.end());
    std::vector<char*> argv;
    for (std::string& arg : args) argv.push_back(arg.data());
    argv.push_back(nullptr);

    posix_spawn_file_actions_t actions;
    posix_spawn_file_actions_init(&actions);
    posix_spawn_file_actions_addopen(&actions, STDERR_FILENO, log_path.c_str(),
                                     O_WRONLY | O_CREAT | O_TRUNC, 0644);
    posix_spawn_file_actions_adddup2(&actions, STDERR_FILENO, STDOUT_FILENO);
    posix_spawnattr_t attributes;
    posix_spawnattr_init(&attributes);
    // The child starts with no blocked signals and default handlers,
    // whatever this test process (and gRPC's threads) did.
    sigset_t none;
    sigemptyset(&none);
    sigset_t defaults;
    sigemptyset(&defaults);
    sigaddset(&defaults, SIGTERM);
    sigaddset(&defaults, SIGINT);
    sigaddset(&defaults, SIGPIPE);
    posix_spawnattr_setsigmask(&attributes, &none);
    posix_spawnattr_setsigdefault(&attributes, &defaults);
    posix_spawnattr_setflags(&attributes,
                             POSIX_SPAWN_SETSIGMASK | POSIX_SPAWN_SETSIGDEF);
    const int error = posix_spawn(&pid_, kBinary, &actions, &attributes,
                                  argv.data(), environ);
    posix_spawnattr_destroy(&attributes);
    posix_spawn_file_actions_destroy(&actions);
    EXPECT_EQ(error, 0) << "cannot start " << kBinary << ": "
                        << std::strerror(error);
    if (error != 0) pid_ = -1;
  }

  ~GeneratorProcess() {
    if (pid_ > 0 && !exit_status_.has_value()) {
      kill(pid_, SIGKILL);
      int status = 0;
      waitpid(pid_, &status, 0);
    }
  }

  bool started() const { return pid_ > 0; }
  pid_t pid() const { return pid_; }

  // Still running (not yet reaped)?
  bool Running() {
    if (pid_ <= 0 || exit_status_.has_value()) return false;
    int status = 0;
    if (waitpid(pid_, &status, WNOHANG) == pid_) {
      exit_status_ = status;
      return false;
    }
    return true;
  }

  // The wait status once it has exited, or nullopt after `timeout`.
  std::optional<int> WaitForExit(absl::Duration timeout) {
    const absl::Time end = absl::Now() + timeout;
    while (Running()) {
      if (absl::Now() >= end) return std::nullopt;
      absl::SleepFor(absl::Milliseconds(20));
    }
    return exit_status_;
  }

  std::string Log() const { return ReadFile(log_path_); }

 private:
  pid_t pid_ = -1;
  std::optional<int> exit_status_;
  std::string log_path_;
};

// Runs the binary to its exit; returns the exit code (or -1 if it did not
// exit normally within `timeout`) and its output.
struct RunResult {
  int exit_code = -1;
  std::string log;
  absl::Duration elapsed;
};

RunResult RunToExit(const std::vector<std::string>& flags,
                    const std::string& log_path,
                    absl::Duration timeout = absl::Seconds(20)) {
  RunResult result;
  const absl::Time start = absl::Now();
  GeneratorProcess process(flags, log_path);
  if (!process.started()) return result;
  std::optional<int> status = process.WaitForExit(timeout);
  result.elapsed = absl::Now() - start;
  result.log = process.Log();
  EXPECT_TRUE(status.has_value())
      << "still running after " << timeout << "; output:\n"
      << result.log;
  if (status.has_value() && WIFEXITED(*status)) {
    result.exit_code = WEXITSTATUS(*status);
  }
  return result;
}

// Flags that keep a test off the default ports.
std::vector<std::string> LoopbackFlags() {
  return {"--listen=127.0.0.1:0", "--metrics_listen=127.0.0.1:0",
          "--threads=1"};
}

std::vector<std::string> With(std::vector<std::string> flags,
                              const std::vector<std::string>& more) {
  flags.insert(flags.end(), more.begin(), more.end());
  return flags;
}

std::optional<HealthCheckResponse::ServingStatus> Health(
    const std::shared_ptr<grpc::Channel>& channel, absl::Duration timeout) {
  auto stub = grpc::health::v1::Health::NewStub(channel);
  grpc::ClientContext context;
  context.set_deadline(absl::ToChronoTime(absl::Now() + timeout));
  context.set_wait_for_ready(true);
  HealthCheckResponse response;
  if (!stub->Check(&context, HealthCheckRequest(), &response).ok()) {
    return std::nullopt;
  }
  return response.status();
}

// Service names from server reflection's list_services.
absl::StatusOr<std::set<std::string>> ListServices(
    const std::shared_ptr<grpc::Channel>& channel) {
  using ::grpc::reflection::v1alpha::ServerReflection;
  using ::grpc::reflection::v1alpha::ServerReflectionRequest;
  using ::grpc::reflection::v1alpha::ServerReflectionResponse;
  auto stub = ServerReflection::NewStub(channel);
  grpc::ClientContext context;
  context.set_deadline(absl::ToChronoTime(absl::Now() + absl::Seconds(10)));
  auto stream = stub->ServerReflectionInfo(&context);
  ServerReflectionRequest request;
  request.set_host("");
  request.set_list_services("");
  if (!stream->Write(request)) {
    return absl::UnavailableError("cannot send the reflection request");
  }
  stream->WritesDone();
  ServerReflectionResponse response;
  std::set<std::string> names;
  bool answered = false;
  while (stream->Read(&response)) {
    answered = true;
    if (response.has_error_response()) {
      return absl::InternalError(response.error_response().error_message());
    }
    EXPECT_EQ(response.original_request().list_services(), "");
    for (const auto& service : response.list_services_response().service()) {
      names.insert(service.name());
    }
  }
  grpc::Status status = stream->Finish();
  if (!status.ok()) return client::FromGrpcStatus(status);
  if (!answered) return absl::InternalError("no reflection response");
  return names;
}

// --- Startup failures --------------------------------------------------------

// Runs the binary with --model=`path` (its output in `dir`) and expects it to
// exit with an error that names the flag and the path. Returns the run for
// the caller's own checks.
RunResult RunWithBadModel(const TempDir& dir, const std::string& path) {
  RunResult run = RunToExit(With(LoopbackFlags(), {"--model=" + path}),
                            dir.File("stderr.txt"));
  EXPECT_NE(run.exit_code, 0) << run.log;
  EXPECT_NE(run.exit_code, -1) << run.log;
  EXPECT_THAT(run.log, HasSubstr("--model"));
  EXPECT_THAT(run.log, HasSubstr(path));
  return run;
}

TEST(GeneratorBinaryTest, CorruptModelFailsFastAndSaysWhy) {
  TempDir dir(kTempPrefix);
  const std::string path = dir.File("corrupt.ckpt");
  std::mt19937 rng(1);
  std::string bytes(4096, '\0');
  for (char& b : bytes) b = static_cast<char>(rng());
  WriteFile(path, bytes);

  RunResult run = RunWithBadModel(dir, path);
  EXPECT_LT(run.elapsed, absl::Seconds(10));
  EXPECT_THAT(run.log, HasSubstr("not an ARTS checkpoint"));
  EXPECT_THAT(run.log, Not(HasSubstr("serving")));
}

TEST(GeneratorBinaryTest, DamagedModelNamesTheChecksum) {
  TempDir dir(kTempPrefix);
  const std::string good = dir.File("good.ckpt");
  SaveTinyModel(good);
  std::string bytes = ReadFile(good);
  ASSERT_GT(bytes.size(), 1000u);
  bytes[bytes.size() / 2] ^= 0x5a;  // a flipped byte in the tensors
  const std::string path = dir.File("damaged.ckpt");
  WriteFile(path, bytes);

  RunResult run = RunWithBadModel(dir, path);
  EXPECT_THAT(run.log, HasSubstr("checksum"));
}

TEST(GeneratorBinaryTest, MissingModelNamesThePath) {
  TempDir dir(kTempPrefix);
  RunResult run = RunWithBadModel(dir, dir.File("no-such-model.ckpt"));
  EXPECT_LT(run.elapsed, absl::Seconds(10));
}

TEST(GeneratorBinaryTest, BadFlagValuesAreNamed) {
  TempDir dir(kTempPrefix);
  const std::string model = dir.File("model.ckpt");
  SaveTinyModel(model);
  struct Case {
    std::vector<std::string> flags;
    std::string named;  // the message must contain this
  };
  const std::vector<Case> cases = {
      {{"--listen=127.0.0.1:0", "--metrics_listen=127.0.0.1:0", "--threads=0"},
       "--threads"},
      {{"--listen=127.0.0.1:0", "--metrics_listen=127.0.0.1:0",
        "--threads=1000"},
       "--threads"},
      {{"--listen=not-an-address", "--metrics_listen=127.0.0.1:0"}, "--listen"},
      {{"--listen=127.0.0.1:0", "--metrics_listen=not-an-address"},
       "--metrics_listen"},
      {{"--listen=127.0.0.1:0", "--metrics_listen=127.0.0.1:0",
        "--max_concurrent_requests=0"},
       "--max_concurrent_requests"},
      // absl rejects unparsable values and unknown flags by name.
      {{"--listen=127.0.0.1:0", "--metrics_listen=127.0.0.1:0",
        "--threads=two"},
       "threads"},
      {{"--listen=127.0.0.1:0", "--metrics_listen=127.0.0.1:0",
        "--no_such_flag=1"},
       "no_such_flag"},
  };
  for (const Case& c : cases) {
    SCOPED_TRACE(absl::StrJoin(c.flags, " "));
    RunResult run =
        RunToExit(With(c.flags, {"--model=" + model}), dir.File("stderr.txt"));
    EXPECT_NE(run.exit_code, 0) << run.log;
    EXPECT_NE(run.exit_code, -1) << run.log;
    EXPECT_THAT(run.log, HasSubstr(c.named));
    EXPECT_THAT(run.log, Not(HasSubstr("serving")));
  }
}

// --- A serving process -------------------------------------------------------

// Propose calls in flight according to the server's /metrics.
int ProposeInFlight(int metrics_port) {
  std::istringstream lines(HttpGet(metrics_port, "/metrics"));
  std::string line;
  while (std::getline(lines, line)) {
    if (absl::StartsWith(line, "arts_rpc_in_flight{") &&
        absl::StrContains(line, "method=\"Propose\"")) {
      return std::atoi(line.substr(line.rfind(' ') + 1).c_str());
    }
  }
  return 0;
}

arts::v1::ProposeRequest ConstrainedRequest(const std::string& problem,
                                            int num_candidates) {
  arts::v1::ProposeRequest request;
  request.set_problem(problem);
  request.set_num_candidates(num_candidates);
  request.set_max_steps(0);
  request.mutable_sampling()->set_seed(3);
  request.mutable_sampling()->set_constrained(true);
  return request;
}

// Starts arts-generator on a tiny model and a port picked here (the binary
// cannot report a port 0 choice other than in its log), and waits until its
// health says SERVING.
class ServingBinaryTest : public ::testing::Test {
 protected:
  void SetUp() override {
    model_ = dir_.File("model.ckpt");
    SaveTinyModel(model_);
    const int port = FreePort();
    target_ = absl::StrCat("127.0.0.1:", port);
    process_ = std::make_unique<GeneratorProcess>(
        std::vector<std::string>{"--listen=" + target_,
                                 "--metrics_listen=127.0.0.1:0", "--threads=1",
                                 "--model=" + model_},
        dir_.File("stderr.txt"));
    ASSERT_TRUE(process_->started());
    channel_ = client::InsecureChannel(target_);

    bool serving = false;
    const absl::Time give_up = absl::Now() + absl::Seconds(20);
    while (!serving && absl::Now() < give_up) {
      ASSERT_TRUE(process_->Running()) << "exited early:\n" << process_->Log();
      serving =
          Health(channel_, absl::Seconds(1)) == HealthCheckResponse::SERVING;
    }
    ASSERT_TRUE(serving) << "not SERVING after 20 s:\n" << process_->Log();
    const std::string log = process_->Log();
    EXPECT_THAT(log, HasSubstr(absl::StrCat("on port ", port)));
    const size_t at = log.find("metrics on port ");
    ASSERT_NE(at, std::string::npos) << log;
    metrics_port_ = std::atoi(log.c_str() + at + 16);
    ASSERT_GT(metrics_port_, 0) << log;
  }

  // SIGTERM, then a clean exit within 15 s that says it drained.
  void StopWithSigterm() {
    ASSERT_EQ(kill(process_->pid(), SIGTERM), 0);
    std::optional<int> status = process_->WaitForExit(absl::Seconds(15));
    ASSERT_TRUE(status.has_value()) << "no exit 15 s after SIGTERM:\n"
                                    << process_->Log();
    EXPECT_TRUE(WIFEXITED(*status)) << process_->Log();
    EXPECT_EQ(WEXITSTATUS(*status), 0) << process_->Log();
    const std::string log = process_->Log();
    EXPECT_THAT(log, HasSubstr("SIGTERM, draining"));
    EXPECT_THAT(log, HasSubstr("stopped"));
  }

  TempDir dir_{kTempPrefix};
  std::string model_;
  std::string target_;
  int metrics_port_ = 0;
  std::unique_ptr<GeneratorProcess> process_;
  std::shared_ptr<grpc::Channel> channel_;
};

TEST_F(ServingBinaryTest, ServesThenExitsCleanlyOnSigterm) {
  auto client = std::make_unique<client::GeneratorClient>(channel_);
  arts::v1::ProposeRequest request = ConstrainedRequest("4 9 10 13 -> 24", 4);
  std::vector<arts::v1::Candidate> candidates;
  absl::Status proposed = client->Propose(
      request, [&](const arts::v1::Candidate& c) { candidates.push_back(c); },
      absl::Seconds(20), /*wait_for_ready=*/true);
  ASSERT_TRUE(proposed.ok()) << proposed;
  ASSERT_EQ(candidates.size(), 4u);
  absl::StatusOr<countdown::Problem> problem =
      countdown::ParseProblem(request.problem());
  ASSERT_TRUE(problem.ok());
  for (const arts::v1::Candidate& c : candidates) {
    EXPECT_TRUE(c.valid()) << c.ShortDebugString();
    EXPECT_TRUE(c.terminal()) << c.ShortDebugString();
    countdown::TraceVerdict verdict = countdown::CheckTrace(
        *problem, std::vector<std::string>(c.steps().begin(), c.steps().end()));
    EXPECT_TRUE(verdict.valid && verdict.terminal) << c.ShortDebugString();
  }

  absl::StatusOr<arts::v1::ModelInfo> info =
      client->GetModelInfo(absl::Seconds(10));
  ASSERT_TRUE(info.ok()) << info.status();
  EXPECT_EQ(info->kind(), "generator");
  EXPECT_EQ(info->path(), model_);

  // Reflection lists the services, as grpcurl would see them.
  absl::StatusOr<std::set<std::string>> services = ListServices(channel_);
  ASSERT_TRUE(services.ok()) << services.status();
  EXPECT_TRUE(services->count("arts.v1.Generator"))
      << absl::StrJoin(*services, ", ");
  EXPECT_TRUE(services->count("grpc.health.v1.Health"))
      << absl::StrJoin(*services, ", ");

  // The metrics endpoint serves too.
  EXPECT_THAT(HttpGet(metrics_port_, "/metrics"),
              HasSubstr("arts_rpc_requests_total{"));

  // Let go of the connection first: an idle channel in this process is not
  // polled, so the server's graceful GOAWAY would wait for gRPC's backup
  // poller (seconds) before the connection closes.
  client.reset();
  channel_.reset();
  StopWithSigterm();
}

TEST_F(ServingBinaryTest, SigtermDrainsAnInFlightCall) {
  // A slow call (many candidates, long traces) that the server is serving
  // when SIGTERM comes must still finish, whole and OK.
  const arts::v1::ProposeRequest request =
      ConstrainedRequest("1 2 3 4 5 6 -> 24", 64);
  bool signalled = false;
  const absl::Time give_up = absl::Now() + absl::Seconds(10);
  while (!signalled && absl::Now() < give_up) {
    absl::Status status = absl::UnknownError("not finished");
    int received = 0;
    std::thread call([&] {
      client::GeneratorClient client(channel_);
      status = client.Propose(
          request, [&](const arts::v1::Candidate&) { ++received; },
          absl::Seconds(30));
    });
    // Signal only once the server has the call (per its metrics); if the call
    // finished before that was seen, try again.
    const absl::Time until = absl::Now() + absl::Seconds(5);
    while (absl::Now() < until && ProposeInFlight(metrics_port_) == 0) {
      absl::SleepFor(absl::Milliseconds(2));
    }
    if (ProposeInFlight(metrics_port_) > 0) {
      ASSERT_EQ(kill(process_->pid(), SIGTERM), 0);
      signalled = true;
    }
    call.join();
    EXPECT_TRUE(status.ok()) << status;
    EXPECT_EQ(received, request.num_candidates());
  }
  ASSERT_TRUE(signalled) << "never caught the call in flight";
  std::optional<int> status = process_->WaitForExit(absl::Seconds(15));
  ASSERT_TRUE(status.has_value()) << "no exit 15 s after SIGTERM:\n"
                                  << process_->Log();
  EXPECT_TRUE(WIFEXITED(*status)) << process_->Log();
  EXPECT_EQ(WEXITSTATUS(*status), 0) << process_->Log();
  EXPECT_THAT(process_->Log(), HasSubstr("SIGTERM, draining"));
}

}  // namespace
}  // namespace arts
