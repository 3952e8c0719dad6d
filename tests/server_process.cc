#include "tests/server_process.h"

#include <arpa/inet.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <signal.h>
#include <spawn.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cstdlib>
#include <cstring>

#include "absl/status/status.h"
#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"
#include "backends/grpc/channel.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"

extern char** environ;

namespace arts::testing_support {

using ::grpc::health::v1::HealthCheckResponse;
using ::grpc::reflection::v1alpha::ServerReflection;
using ::grpc::reflection::v1alpha::ServerReflectionRequest;
using ::grpc::reflection::v1alpha::ServerReflectionResponse;
using ::testing::HasSubstr;

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

ServerProcess::ServerProcess(const std::string& binary,
                             const std::vector<std::string>& flags,
                             const std::string& log_path)
    : log_path_(log_path) {
  std::vector<std::string> args = {binary};
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
  // The child starts with no blocked signals and default handlers, whatever
  // this test process (and gRPC's threads) did.
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
  const int error = posix_spawn(&pid_, binary.c_str(), &actions, &attributes,
                                argv.data(), environ);
  posix_spawnattr_destroy(&attributes);
  posix_spawn_file_actions_destroy(&actions);
  EXPECT_EQ(error, 0) << "cannot start " << binary << ": "
                      << std::strerror(error);
  if (error != 0) pid_ = -1;
}

ServerProcess::~ServerProcess() {
  if (pid_ > 0 && !exit_status_.has_value()) {
    kill(pid_, SIGKILL);
    int status = 0;
    waitpid(pid_, &status, 0);
  }
}

bool ServerProcess::Running() {
  if (pid_ <= 0 || exit_status_.has_value()) return false;
  int status = 0;
  if (waitpid(pid_, &status, WNOHANG) == pid_) {
    exit_status_ = status;
    return false;
  }
  return true;
}

std::optional<int> ServerProcess::WaitForExit(absl::Duration timeout) {
  const absl::Time end = absl::Now() + timeout;
  while (Running()) {
    if (absl::Now() >= end) return std::nullopt;
    absl::SleepFor(absl::Milliseconds(20));
  }
  return exit_status_;
}

RunResult RunToExit(const std::string& binary,
                    const std::vector<std::string>& flags,
                    const std::string& log_path, absl::Duration timeout) {
  RunResult result;
  const absl::Time start = absl::Now();
  ServerProcess process(binary, flags, log_path);
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

std::vector<std::string> LoopbackFlags() {
  return {"--listen=127.0.0.1:0", "--metrics_listen=127.0.0.1:0"};
}

std::vector<std::string> With(std::vector<std::string> flags,
                              const std::vector<std::string>& more) {
  flags.insert(flags.end(), more.begin(), more.end());
  return flags;
}

RunResult RunWithBadModel(const std::string& binary, const TempDir& dir,
                          const std::string& path) {
  RunResult run = RunToExit(binary, With(LoopbackFlags(), {"--model=" + path}),
                            dir.File("stderr.txt"));
  EXPECT_NE(run.exit_code, 0) << run.log;
  EXPECT_NE(run.exit_code, -1) << run.log;
  EXPECT_THAT(run.log, HasSubstr("--model"));
  EXPECT_THAT(run.log, HasSubstr(path));
  return run;
}

absl::StatusOr<std::vector<ServerReflectionResponse>> AskReflection(
    const std::shared_ptr<grpc::Channel>& channel,
    const ServerReflectionRequest& request) {
  auto stub = ServerReflection::NewStub(channel);
  grpc::ClientContext context;
  context.set_deadline(absl::ToChronoTime(absl::Now() + absl::Seconds(10)));
  auto stream = stub->ServerReflectionInfo(&context);
  if (!stream->Write(request)) {
    return absl::UnavailableError("cannot send the reflection request");
  }
  stream->WritesDone();
  std::vector<ServerReflectionResponse> responses;
  ServerReflectionResponse response;
  while (stream->Read(&response)) {
    if (response.has_error_response()) {
      return absl::InternalError(response.error_response().error_message());
    }
    responses.push_back(response);
  }
  grpc::Status status = stream->Finish();
  if (!status.ok()) return backends::FromGrpcStatus(status);
  if (responses.empty()) return absl::InternalError("no reflection response");
  return responses;
}

absl::StatusOr<std::set<std::string>> ListServices(
    const std::shared_ptr<grpc::Channel>& channel) {
  ServerReflectionRequest request;
  request.set_host("");
  request.set_list_services("");
  absl::StatusOr<std::vector<ServerReflectionResponse>> responses =
      AskReflection(channel, request);
  if (!responses.ok()) return responses.status();
  std::set<std::string> names;
  for (const ServerReflectionResponse& response : *responses) {
    EXPECT_EQ(response.original_request().list_services(), "");
    for (const auto& service : response.list_services_response().service()) {
      names.insert(service.name());
    }
  }
  return names;
}

void ServingServer::Start(const std::string& binary,
                          const std::vector<std::string>& flags,
                          const std::string& log_path) {
  const int port = FreePort();
  target = absl::StrCat("127.0.0.1:", port);
  process = std::make_unique<ServerProcess>(
      binary,
      With({"--listen=" + target, "--metrics_listen=127.0.0.1:0"}, flags),
      log_path);
  ASSERT_TRUE(process->started());
  absl::StatusOr<std::shared_ptr<grpc::Channel>> secured =
      backends::ClientChannel(target, security);
  ASSERT_TRUE(secured.ok()) << secured.status();
  channel = *secured;

  bool serving = false;
  const absl::Time give_up = absl::Now() + absl::Seconds(20);
  while (!serving && absl::Now() < give_up) {
    ASSERT_TRUE(process->Running()) << "exited early:\n" << process->Log();
    serving = Health(channel, absl::Seconds(1)) == HealthCheckResponse::SERVING;
  }
  ASSERT_TRUE(serving) << "not SERVING after 20 s:\n" << process->Log();
  const std::string log = process->Log();
  EXPECT_THAT(log, HasSubstr(absl::StrCat("on port ", port)));
  const size_t at = log.find("metrics on port ");
  ASSERT_NE(at, std::string::npos) << log;
  metrics_port = std::atoi(log.c_str() + at + 16);
  ASSERT_GT(metrics_port, 0) << log;
  if (const size_t health = log.find("health on port ");
      health != std::string::npos) {
    health_port = std::atoi(log.c_str() + health + 15);
  }
}

void ServingServer::StopWithSigterm() {
  ASSERT_EQ(kill(process->pid(), SIGTERM), 0);
  std::optional<int> status = process->WaitForExit(absl::Seconds(15));
  ASSERT_TRUE(status.has_value()) << "no exit 15 s after SIGTERM:\n"
                                  << process->Log();
  EXPECT_TRUE(WIFEXITED(*status)) << process->Log();
  EXPECT_EQ(WEXITSTATUS(*status), 0) << process->Log();
  const std::string log = process->Log();
  EXPECT_THAT(log, HasSubstr("SIGTERM, draining"));
  EXPECT_THAT(log, HasSubstr("stopped"));
}

void ThreeServices::Start(const Binaries& binaries,
                          const std::string& generator_model,
                          const std::string& verifier_model, const TempDir& dir,
                          const std::vector<std::string>& orchestrator_flags) {
  ASSERT_NO_FATAL_FAILURE(generator.Start(binaries.generator,
                                          {"--model=" + generator_model},
                                          dir.File("generator.txt")));
  ASSERT_NO_FATAL_FAILURE(verifier.Start(binaries.verifier,
                                         {"--model=" + verifier_model},
                                         dir.File("verifier.txt")));
  ASSERT_NO_FATAL_FAILURE(orchestrator.Start(
      binaries.orchestrator,
      With({"--generator=" + generator.target, "--verifier=" + verifier.target},
           orchestrator_flags),
      dir.File("orchestrator.txt")));
}

void ThreeServices::StopAll() {
  for (ServingServer* server : {&orchestrator, &verifier, &generator}) {
    server->channel.reset();
    ASSERT_NO_FATAL_FAILURE(server->StopWithSigterm());
  }
}

}  // namespace arts::testing_support
