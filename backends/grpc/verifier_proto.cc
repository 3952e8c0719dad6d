#include "backends/grpc/verifier_proto.h"

namespace arts::backends {

backend::ScoreRequest FromProto(const arts::v1::ScoreRequest& request) {
  backend::ScoreRequest out;
  out.task = request.task().empty() ? backend::kDefaultTask : request.task();
  out.traces.reserve(request.traces_size());
  for (const arts::v1::Trace& trace : request.traces()) {
    out.traces.push_back(backend::TraceRef{
        trace.problem(), {trace.steps().begin(), trace.steps().end()}});
  }
  return out;
}

arts::v1::ScoreRequest ToProto(const backend::ScoreRequest& request,
                               bool per_step) {
  arts::v1::ScoreRequest out;
  out.set_task(request.task);
  out.set_per_step(per_step);
  for (const backend::TraceRef& trace : request.traces) {
    arts::v1::Trace* t = out.add_traces();
    t->set_problem(trace.problem);
    t->mutable_steps()->Add(trace.steps.begin(), trace.steps.end());
  }
  return out;
}

arts::v1::TraceScore ToProto(const std::vector<double>& log_flows,
                             bool per_step) {
  arts::v1::TraceScore out;
  if (!log_flows.empty()) out.set_log_flow(log_flows.back());
  if (per_step) {
    out.mutable_step_log_flows()->Add(log_flows.begin(), log_flows.end());
  }
  return out;
}

std::vector<std::vector<double>> FromProto(
    const arts::v1::ScoreResponse& response) {
  std::vector<std::vector<double>> scores;
  scores.reserve(response.scores_size());
  for (const arts::v1::TraceScore& score : response.scores()) {
    scores.emplace_back(score.step_log_flows().begin(),
                        score.step_log_flows().end());
  }
  return scores;
}

}  // namespace arts::backends
