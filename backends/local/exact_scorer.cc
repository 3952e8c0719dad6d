#include "backends/local/exact_scorer.h"

#include <cstddef>
#include <utility>

#include "absl/strings/str_cat.h"
#include "core/countdown/exact_value.h"
#include "core/countdown/problem.h"

namespace arts::backends {
namespace {

// Solved states kept across calls. Each is a short string and a bool; the
// memo is emptied when it grows past this, so a server that sees many
// problems stays within a few tens of MB.
constexpr size_t kMaxMemoStates = size_t{1} << 18;

}  // namespace

absl::Status ExactScorer::CheckTask(absl::string_view task) {
  if (task.empty() || task == countdown::kTaskName) return absl::OkStatus();
  return absl::InvalidArgumentError(absl::StrCat(
      "task: the exact verifier knows countdown only, got '", task, "'"));
}

std::map<std::string, std::string> ExactScorer::Metadata() {
  return {{"verifier", "exact"},
          {"task", countdown::kTaskName},
          {"dead_log_flow", absl::StrCat(countdown::kExactDeadLogFlow)}};
}

absl::StatusOr<std::vector<std::vector<double>>> ExactScorer::Score(
    const backend::ScoreRequest& request, const backend::CallContext& call) {
  if (absl::Status task = CheckTask(request.task); !task.ok()) return task;
  const std::vector<backend::TraceRef>& traces = request.traces;
  if (traces.empty()) {
    return absl::InvalidArgumentError("traces: at least one trace");
  }
  if (traces.size() > backend::kMaxTracesPerScore) {
    return absl::InvalidArgumentError(
        absl::StrCat("traces: at most ", backend::kMaxTracesPerScore,
                     " traces, got ", traces.size()));
  }
  std::vector<countdown::Problem> problems;
  problems.reserve(traces.size());
  for (size_t i = 0; i < traces.size(); ++i) {
    absl::StatusOr<countdown::Problem> problem =
        countdown::ParseProblem(traces[i].problem);
    if (!problem.ok()) {
      return absl::InvalidArgumentError(absl::StrCat(
          "traces[", i, "].problem: ", problem.status().message()));
    }
    problems.push_back(*std::move(problem));
  }
  std::vector<std::vector<double>> scores;
  scores.reserve(traces.size());
  absl::MutexLock lock(&mu_);
  if (memo_.size() > kMaxMemoStates) memo_.clear();
  for (size_t i = 0; i < traces.size(); ++i) {
    // A Game-of-24 trace takes microseconds; a six-number problem the
    // target cannot be reached from, up to seconds the first time.
    if (absl::Status may = call.MayGoOn(); !may.ok()) return may;
    scores.push_back(
        countdown::ExactLogFlows(problems[i], traces[i].steps, memo_));
  }
  return scores;
}

}  // namespace arts::backends
