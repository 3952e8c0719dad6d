#include "client/grpc_proposer.h"

#include <algorithm>

namespace arts::client {

arts::v1::ProposeRequest ToProto(const model::ProposeRequest& request) {
  arts::v1::ProposeRequest out;
  out.set_problem(request.problem);
  for (const std::string& step : request.steps) out.add_steps(step);
  out.set_num_candidates(request.num_candidates);
  out.set_max_steps(request.max_steps);
  arts::v1::SamplingParams* s = out.mutable_sampling();
  s->set_temperature(request.sampling.temperature);
  s->set_top_k(request.sampling.top_k);
  s->set_top_p(request.sampling.top_p);
  s->set_seed(request.sampling.seed);
  s->set_constrained(request.sampling.constrained);
  return out;
}

model::Candidate FromProto(const arts::v1::Candidate& candidate) {
  model::Candidate out;
  out.index = candidate.index();
  out.steps.assign(candidate.steps().begin(), candidate.steps().end());
  out.logprob = candidate.logprob();
  out.num_tokens = candidate.num_tokens();
  out.terminal = candidate.terminal();
  out.valid = candidate.valid();
  out.invalid_reason = candidate.invalid_reason();
  return out;
}

absl::Status GrpcProposer::Propose(
    const model::ProposeRequest& request, absl::Time deadline,
    const std::function<void(model::Candidate)>& on_candidate) {
  // The search's deadline travels with the call, so the generator stops
  // sampling for a search that has given up.
  return client_.Propose(
      ToProto(request),
      [&](const arts::v1::Candidate& candidate) {
        on_candidate(FromProto(candidate));
      },
      std::min(timeout_, deadline - absl::Now()));
}

}  // namespace arts::client
