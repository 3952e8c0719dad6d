#include "backends/grpc/solve_metadata.h"

#include <algorithm>
#include <cstdint>
#include <string>

#include "absl/strings/numbers.h"
#include "absl/strings/string_view.h"
#include "absl/time/clock.h"

namespace arts::backends {
namespace {

// At most about 31 years: a bound that keeps the sums below from
// overflowing, whatever a peer sends.
constexpr int64_t kMaxMicros = int64_t{1} << 50;

std::optional<int64_t> MicrosAt(
    const std::multimap<grpc::string_ref, grpc::string_ref>& metadata,
    const char* key) {
  const auto found = metadata.find(key);
  if (found == metadata.end()) return std::nullopt;
  int64_t micros = 0;
  if (!absl::SimpleAtoi(
          absl::string_view(found->second.data(), found->second.size()),
          &micros) ||
      micros < 0 || micros > kMaxMicros) {
    return std::nullopt;
  }
  return micros;
}

std::string Micros(absl::Duration duration) {
  return std::to_string(
      std::max<int64_t>(0, absl::ToInt64Microseconds(duration)));
}

}  // namespace

void AddSolveMetadata(const backend::SolveTimes& solve,
                      grpc::ClientContext& context) {
  const absl::Time now = absl::Now();
  if (solve.arrival != absl::InfiniteFuture()) {
    context.AddMetadata(kSolveAgeKey, Micros(now - solve.arrival));
  }
  if (solve.deadline != absl::InfiniteFuture()) {
    context.AddMetadata(kSolveTimeLeftKey, Micros(solve.deadline - now));
  }
}

backend::SolveTimes SolveTimesFrom(
    const std::multimap<grpc::string_ref, grpc::string_ref>& metadata) {
  const absl::Time now = absl::Now();
  backend::SolveTimes solve;
  if (std::optional<int64_t> age = MicrosAt(metadata, kSolveAgeKey)) {
    solve.arrival = now - absl::Microseconds(*age);
  }
  if (std::optional<int64_t> left = MicrosAt(metadata, kSolveTimeLeftKey)) {
    solve.deadline = now + absl::Microseconds(*left);
  }
  return solve;
}

void AddBackendTimeMetadata(absl::Duration queued, absl::Duration computed,
                            grpc::ServerContextBase& context) {
  context.AddTrailingMetadata(kQueuedKey, Micros(queued));
  context.AddTrailingMetadata(kComputedKey, Micros(computed));
}

std::optional<backend::BackendTime> BackendTimeFrom(
    backend::BackendTime::Backend backend, const grpc::ClientContext& context) {
  const auto& trailing = context.GetServerTrailingMetadata();
  const std::optional<int64_t> queued = MicrosAt(trailing, kQueuedKey);
  const std::optional<int64_t> computed = MicrosAt(trailing, kComputedKey);
  if (!queued.has_value() || !computed.has_value()) return std::nullopt;
  return backend::BackendTime{backend, absl::Microseconds(*queued),
                              absl::Microseconds(*computed)};
}

}  // namespace arts::backends
