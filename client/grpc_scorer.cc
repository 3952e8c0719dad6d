#include "client/grpc_scorer.h"

#include <algorithm>

namespace arts::client {

absl::StatusOr<std::vector<std::vector<double>>> GrpcScorer::Score(
    const std::vector<verifier::TraceRef>& traces, absl::Time deadline) {
  arts::v1::ScoreRequest request;
  request.set_per_step(true);
  for (const verifier::TraceRef& trace : traces) {
    arts::v1::Trace* out = request.add_traces();
    out->set_problem(trace.problem);
    for (const std::string& step : trace.steps) out->add_steps(step);
  }
  absl::StatusOr<arts::v1::ScoreResponse> response =
      client_.Score(request, std::min(timeout_, deadline - absl::Now()));
  if (!response.ok()) return response.status();
  std::vector<std::vector<double>> scores;
  for (const arts::v1::TraceScore& score : response->scores()) {
    scores.emplace_back(score.step_log_flows().begin(),
                        score.step_log_flows().end());
  }
  return scores;
}

}  // namespace arts::client
