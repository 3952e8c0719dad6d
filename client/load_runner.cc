#include "client/load_runner.h"

#include <algorithm>
#include <atomic>
#include <cmath>
#include <mutex>
#include <thread>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/strings/str_join.h"
#include "absl/time/clock.h"

namespace arts::client {

double Quantile(std::vector<double> values, double q) {
  if (values.empty()) return 0;
  std::sort(values.begin(), values.end());
  const size_t rank =
      static_cast<size_t>(std::ceil(q * static_cast<double>(values.size())));
  return values[std::clamp<size_t>(rank, 1, values.size()) - 1];
}

LoadResult RunLoad(const LoadLevel& level, const SendRequest& send) {
  std::atomic<int64_t> next{0};
  std::mutex mu;
  std::vector<double> latencies;
  std::map<std::string, int64_t> codes;
  const absl::Time start = absl::Now();
  const absl::Time until = start + level.duration;
  std::vector<std::thread> workers;
  for (int w = 0; w < level.concurrency; ++w) {
    workers.emplace_back([&] {
      std::vector<double> mine;
      std::map<std::string, int64_t> my_codes;
      while (absl::Now() < until) {
        const int64_t index = next.fetch_add(1);
        if (level.max_requests > 0 && index >= level.max_requests) break;
        const absl::Time sent = absl::Now();
        const absl::Status status = send(index);
        if (status.ok())
          mine.push_back(absl::ToDoubleSeconds(absl::Now() - sent));
        ++my_codes[absl::StatusCodeToString(status.code())];
      }
      std::lock_guard<std::mutex> lock(mu);
      latencies.insert(latencies.end(), mine.begin(), mine.end());
      for (const auto& [code, n] : my_codes) codes[code] += n;
    });
  }
  for (std::thread& worker : workers) worker.join();
  LoadResult result;
  result.concurrency = level.concurrency;
  result.seconds = absl::ToDoubleSeconds(absl::Now() - start);
  result.codes = std::move(codes);
  for (const auto& [code, n] : result.codes) result.requests += n;
  result.ok = static_cast<int64_t>(latencies.size());
  result.ok_per_second =
      result.seconds > 0 ? static_cast<double>(result.ok) / result.seconds : 0;
  result.p50 = Quantile(latencies, 0.50);
  result.p90 = Quantile(latencies, 0.90);
  result.p99 = Quantile(latencies, 0.99);
  result.max = Quantile(latencies, 1.0);
  return result;
}

namespace {

std::string Codes(const LoadResult& result, bool json) {
  return absl::StrJoin(result.codes, json ? ", " : " ",
                       [json](std::string* out, const auto& code) {
                         absl::StrAppend(out, json ? "\"" : "", code.first,
                                         json ? "\": " : "=", code.second);
                       });
}

}  // namespace

std::string LoadTable(const std::vector<LoadResult>& results) {
  std::string out = absl::StrFormat(
      "%11s %9s %9s %9s %9s %9s %9s  %s\n", "concurrency", "requests", "ok/s",
      "p50 s", "p90 s", "p99 s", "seconds", "status codes");
  for (const LoadResult& r : results) {
    absl::StrAppendFormat(&out, "%11d %9d %9.2f %9.3f %9.3f %9.3f %9.1f  %s\n",
                          r.concurrency, r.requests, r.ok_per_second, r.p50,
                          r.p90, r.p99, r.seconds, Codes(r, false));
  }
  return out;
}

std::string LoadJson(const std::string& target,
                     const std::vector<LoadResult>& results) {
  std::vector<std::string> levels;
  for (const LoadResult& r : results) {
    levels.push_back(absl::StrFormat(
        "{\"concurrency\": %d, \"seconds\": %.3f, \"requests\": %d, "
        "\"ok\": %d, \"ok_per_second\": %.3f, \"latency_seconds\": "
        "{\"p50\": %.6f, \"p90\": %.6f, \"p99\": %.6f, \"max\": %.6f}, "
        "\"codes\": {%s}}",
        r.concurrency, r.seconds, r.requests, r.ok, r.ok_per_second, r.p50,
        r.p90, r.p99, r.max, Codes(r, true)));
  }
  return absl::StrCat("{\"target\": \"", target, "\", \"levels\": [\n  ",
                      absl::StrJoin(levels, ",\n  "), "\n]}\n");
}

}  // namespace arts::client
