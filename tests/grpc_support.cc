#include "tests/grpc_support.h"

#include <cstdlib>
#include <sstream>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"
#include "gtest/gtest.h"
#include "tests/test_support.h"

namespace arts::testing_support {

using ::grpc::health::v1::HealthCheckRequest;
using ::grpc::health::v1::HealthCheckResponse;

std::optional<HealthCheckResponse::ServingStatus> Health(
    const std::shared_ptr<grpc::Channel>& channel, absl::Duration timeout,
    const std::string& service) {
  auto stub = grpc::health::v1::Health::NewStub(channel);
  grpc::ClientContext context;
  context.set_deadline(absl::ToChronoTime(absl::Now() + timeout));
  context.set_wait_for_ready(true);
  HealthCheckRequest request;
  request.set_service(service);
  HealthCheckResponse response;
  if (!stub->Check(&context, request, &response).ok()) return std::nullopt;
  return response.status();
}

double MetricValue(const std::string& exposition, const std::string& name,
                   const std::map<std::string, std::string>& labels) {
  double sum = 0;
  std::istringstream lines(exposition);
  std::string line;
  while (std::getline(lines, line)) {
    if (line.empty() || line[0] == '#') continue;
    if (!absl::StartsWith(line, name + "{") &&
        !absl::StartsWith(line, name + " ")) {
      continue;
    }
    const size_t close = line.rfind('}');
    const std::string label_text =
        close == std::string::npos ? "" : line.substr(0, close + 1);
    bool match = true;
    for (const auto& [key, value] : labels) {
      if (!absl::StrContains(label_text,
                             absl::StrCat(key, "=\"", value, "\""))) {
        match = false;
      }
    }
    if (!match) continue;
    sum += std::strtod(line.substr(line.rfind(' ') + 1).c_str(), nullptr);
  }
  return sum;
}

std::string Scrape(int port) {
  HttpResponse response = HttpRequest(port, "GET", "/metrics");
  EXPECT_EQ(response.status, 200);
  return response.body;
}

bool Eventually(const std::function<bool()>& condition,
                absl::Duration timeout) {
  const absl::Time end = absl::Now() + timeout;
  while (absl::Now() < end) {
    if (condition()) return true;
    absl::SleepFor(absl::Milliseconds(20));
  }
  return condition();
}

}  // namespace arts::testing_support
