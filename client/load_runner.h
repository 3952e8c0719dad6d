#ifndef ARTS_CLIENT_LOAD_RUNNER_H_
#define ARTS_CLIENT_LOAD_RUNNER_H_

#include <cstdint>
#include <functional>
#include <map>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/time/time.h"

namespace arts::client {

// One level of load: `concurrency` workers, each sending its next request
// as soon as the last one ended, refusals included (clients that never back
// off), until `duration` passes or `max_requests` were sent (0: no limit).
struct LoadLevel {
  int concurrency = 1;
  absl::Duration duration = absl::Seconds(10);
  int64_t max_requests = 0;
};

// What a level measured. Latencies are of OK calls, in seconds.
struct LoadResult {
  int concurrency = 0;
  double seconds = 0;
  int64_t requests = 0;
  int64_t ok = 0;
  double ok_per_second = 0;  // goodput
  double p50 = 0, p90 = 0, p99 = 0, max = 0;
  std::map<std::string, int64_t> codes;  // e.g. "OK", "RESOURCE_EXHAUSTED"
};

// Sends one request; `index` counts requests across all workers, for
// drawing them from a list. Called from many threads at once.
using SendRequest = std::function<absl::Status(int64_t index)>;

// Runs one level against `send`.
LoadResult RunLoad(const LoadLevel& level, const SendRequest& send);

// The q-quantile (0..1) of `values` by the nearest-rank method; 0 if empty.
double Quantile(std::vector<double> values, double q);

// A table, one row per level, for people.
std::string LoadTable(const std::vector<LoadResult>& results);
// The same as JSON: {"target": ..., "levels": [{...}, ...]}.
std::string LoadJson(const std::string& target,
                     const std::vector<LoadResult>& results);

}  // namespace arts::client

#endif  // ARTS_CLIENT_LOAD_RUNNER_H_
