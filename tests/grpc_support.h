// Helpers for tests that talk to a server over loopback: its health, its
// Prometheus metrics, and waiting for a condition.
//
// This library uses only the grpc.health messages from arts_test_protos and
// never links arts_server, so both the in-process service tests and the
// binary tests may link it (see tests/CMakeLists.txt).

#ifndef ARTS_TESTS_GRPC_SUPPORT_H_
#define ARTS_TESTS_GRPC_SUPPORT_H_

#include <grpcpp/grpcpp.h>

#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <string>

#include "absl/time/time.h"
#include "grpc/health/v1/health.grpc.pb.h"

namespace arts::testing_support {

// The server's grpc.health.v1 status for `service` ("" is the whole server),
// waiting for it to come up within `timeout`; nullopt if it did not answer
// (NOT_FOUND for an unknown service included).
std::optional<grpc::health::v1::HealthCheckResponse::ServingStatus> Health(
    const std::shared_ptr<grpc::Channel>& channel, absl::Duration timeout,
    const std::string& service = "");

// Sum of the samples of `name` in a Prometheus text exposition whose labels
// include all of `labels`.
double MetricValue(const std::string& exposition, const std::string& name,
                   const std::map<std::string, std::string>& labels);

// GET /metrics from 127.0.0.1:port; a non-200 answer fails the current test.
std::string Scrape(int port);

// Polls `condition` until it holds or `timeout` passes.
bool Eventually(const std::function<bool()>& condition, absl::Duration timeout);

}  // namespace arts::testing_support

#endif  // ARTS_TESTS_GRPC_SUPPORT_H_
