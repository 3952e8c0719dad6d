#include "backends/grpc/generator_proto.h"

namespace arts::backends {

backend::ProposeRequest FromProto(const arts::v1::ProposeRequest& request) {
  backend::ProposeRequest out;
  out.task = request.task().empty() ? backend::kDefaultTask : request.task();
  out.problem = request.problem();
  for (const arts::v1::Prefix& prefix : request.prefixes()) {
    out.prefixes.emplace_back(prefix.steps().begin(), prefix.steps().end());
  }
  out.num_candidates =
      request.num_candidates() == 0 ? 1 : request.num_candidates();
  out.max_steps = request.max_steps();
  const arts::v1::SamplingParams& s = request.sampling();
  out.sampling.temperature = s.has_temperature() ? s.temperature() : 1.0;
  out.sampling.top_k = s.top_k();
  out.sampling.top_p = s.has_top_p() ? s.top_p() : 1.0;
  out.sampling.seed = s.seed();
  out.sampling.constrained = s.constrained();
  return out;
}

arts::v1::ProposeRequest ToProto(const backend::ProposeRequest& request) {
  arts::v1::ProposeRequest out;
  out.set_task(request.task);
  out.set_problem(request.problem);
  for (const std::vector<std::string>& prefix : request.prefixes) {
    out.add_prefixes()->mutable_steps()->Add(prefix.begin(), prefix.end());
  }
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

backend::Candidate FromProto(const arts::v1::Candidate& candidate) {
  backend::Candidate out;
  out.prefix_index = candidate.prefix_index();
  out.index = candidate.index();
  out.steps.assign(candidate.steps().begin(), candidate.steps().end());
  out.logprob = candidate.logprob();
  out.num_tokens = candidate.num_tokens();
  out.terminal = candidate.terminal();
  out.final_answer = candidate.final_answer();
  out.valid = candidate.valid();
  out.invalid_reason = candidate.invalid_reason();
  return out;
}

arts::v1::Candidate ToProto(const backend::Candidate& candidate) {
  arts::v1::Candidate out;
  out.set_prefix_index(candidate.prefix_index);
  out.set_index(candidate.index);
  for (const std::string& step : candidate.steps) out.add_steps(step);
  out.set_logprob(candidate.logprob);
  out.set_num_tokens(candidate.num_tokens);
  out.set_terminal(candidate.terminal);
  out.set_final_answer(candidate.final_answer);
  out.set_valid(candidate.valid);
  out.set_invalid_reason(candidate.invalid_reason);
  return out;
}

}  // namespace arts::backends
