// A service in the test's own process behind a real gRPC server on loopback,
// with health and (optionally) metrics, and a fixture whose tests share one
// such server. Header only: the service tests that use it link arts_server.
//
// Each service test describes its service with a traits struct:
//
//   struct VerifierTraits {
//     using Service = VerifierService;  // Service(RpcMetrics&, Options or
//                                       // an int admission limit)
//     using Model = verifier::FlowVerifier;   // static Load(path)
//     static constexpr char kName[] = "verifier";  // the metrics label
//     static void SaveModel(const std::string& path);  // a tiny model
//   };

#ifndef ARTS_TESTS_IN_PROCESS_SERVER_H_
#define ARTS_TESTS_IN_PROCESS_SERVER_H_

#include <grpcpp/grpcpp.h>

#include <memory>
#include <string>
#include <type_traits>
#include <utility>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/str_cat.h"
#include "absl/time/time.h"
#include "backends/grpc/channel.h"
#include "gtest/gtest.h"
#include "server/rpc_metrics.h"
#include "server/server_runner.h"
#include "tests/test_support.h"

namespace arts::testing_support {

// Traits::SaveModel's checkpoint in a fresh temporary directory, removed
// with it.
template <typename Traits>
class TinyModelFile {
 public:
  TinyModelFile() : path_(dir_.File("model.ckpt")) { Traits::SaveModel(path_); }
  const std::string& path() const { return path_; }

 private:
  TempDir dir_{absl::StrCat(Traits::kName, "_service_test")};
  std::string path_;
};

// A service's second constructor argument for `limit`: its Options with a
// queue of `limit` calls, or, for a service without a queue, the limit on
// calls in flight.
template <typename Service, typename = void>
struct ServiceLimit {
  static int Of(int limit) { return limit; }
};
template <typename Service>
struct ServiceLimit<Service, std::void_t<typename Service::Options>> {
  static typename Service::Options Of(int limit) {
    typename Service::Options options;
    options.queue.max_queue = limit;
    return options;
  }
};

// One server: metrics, the service and its gRPC server, and a channel to it.
template <typename Traits>
struct InProcessServer {
  std::unique_ptr<server::RpcMetrics> metrics;
  std::unique_ptr<typename Traits::Service> service;
  std::unique_ptr<server::ServerRunner> runner;
  std::shared_ptr<grpc::Channel> channel;

  ~InProcessServer() {
    if (runner != nullptr) runner->Shutdown(absl::Seconds(2));
  }

  // Starts a server on 127.0.0.1:0; health is NOT_SERVING and calls get
  // UNAVAILABLE until LoadModel. nullptr (and a failure of the current test)
  // if it cannot start.
  // `limit`: see ServiceLimit.
  static std::unique_ptr<InProcessServer> Start(int limit, bool serve_metrics) {
    auto server = std::make_unique<InProcessServer>();
    server->metrics = std::make_unique<server::RpcMetrics>(Traits::kName);
    if (serve_metrics) {
      absl::Status s = server->metrics->Serve("127.0.0.1:0");
      EXPECT_TRUE(s.ok()) << s;
    }
    server->service = std::make_unique<typename Traits::Service>(
        *server->metrics, ServiceLimit<typename Traits::Service>::Of(limit));
    absl::StatusOr<std::unique_ptr<server::ServerRunner>> runner =
        server::ServerRunner::Start("127.0.0.1:0", {server->service.get()});
    EXPECT_TRUE(runner.ok()) << runner.status();
    if (!runner.ok()) return nullptr;
    server->runner = *std::move(runner);
    server->channel = backends::InsecureChannel(
        absl::StrCat("127.0.0.1:", server->runner->port()));
    return server;
  }

  // Loads `path` into the service and reports SERVING.
  void LoadModel(const std::string& path) {
    auto model = Traits::Model::Load(path);
    ASSERT_TRUE(model.ok()) << model.status();
    service->SetModel(*std::move(model), path);
    runner->SetServing(true);
  }
};

// Tests that share one server for the suite: limit 8, /metrics
// served, the tiny model loaded.
template <typename Traits>
class SharedServerTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    model_ = new TinyModelFile<Traits>();
    server_ = InProcessServer<Traits>::Start(/*limit=*/8,
                                             /*serve_metrics=*/true)
                  .release();
    ASSERT_NE(server_, nullptr);
    server_->LoadModel(model_->path());
  }
  static void TearDownTestSuite() {
    delete server_;
    server_ = nullptr;
    delete model_;
    model_ = nullptr;
  }
  void SetUp() override { ASSERT_NE(server_, nullptr); }

  static const std::shared_ptr<grpc::Channel>& channel() {
    return server_->channel;
  }
  static int metrics_port() { return server_->metrics->port(); }

  static inline TinyModelFile<Traits>* model_ = nullptr;
  static inline InProcessServer<Traits>* server_ = nullptr;
};

}  // namespace arts::testing_support

#endif  // ARTS_TESTS_IN_PROCESS_SERVER_H_
