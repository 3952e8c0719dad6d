#include "core/backend/policy.h"

#include <algorithm>

#include "absl/strings/str_cat.h"

namespace arts::backend {
namespace {

absl::Status FieldError(absl::string_view field, absl::string_view why) {
  return absl::InvalidArgumentError(absl::StrCat(field, ": ", why));
}

}  // namespace

std::vector<std::vector<std::string>> PrefixesOf(
    const ProposeRequest& request) {
  if (request.prefixes.empty()) return {{}};
  return request.prefixes;
}

absl::Status ValidateProposeShape(const ProposeRequest& request) {
  if (request.prefixes.size() > static_cast<size_t>(kMaxPrefixes)) {
    return FieldError("prefixes",
                      absl::StrCat("at most ", kMaxPrefixes, ", got ",
                                   request.prefixes.size()));
  }
  if (request.num_candidates < 1 || request.num_candidates > kMaxCandidates) {
    return FieldError("num_candidates",
                      absl::StrCat("must be 1 to ", kMaxCandidates, ", got ",
                                   request.num_candidates));
  }
  const size_t prefixes = std::max<size_t>(1, request.prefixes.size());
  if (prefixes * request.num_candidates > kMaxRowsPerCall) {
    return FieldError("num_candidates",
                      absl::StrCat("prefixes x num_candidates must be at most ",
                                   kMaxRowsPerCall, ", got ", prefixes, " x ",
                                   request.num_candidates));
  }
  if (request.max_steps < 0 || request.max_steps > kMaxStepsPerProposal) {
    return FieldError("max_steps", absl::StrCat("must be 0 (to the end) to ",
                                                kMaxStepsPerProposal, ", got ",
                                                request.max_steps));
  }
  const SamplingParams& s = request.sampling;
  if (!(s.temperature >= 0 && s.temperature <= kMaxTemperature)) {
    return FieldError("sampling.temperature",
                      absl::StrCat("must be 0 (greedy) to ", kMaxTemperature,
                                   ", got ", s.temperature));
  }
  if (s.top_k < 0) {
    return FieldError("sampling.top_k",
                      absl::StrCat("must be 0 (off) or more, got ", s.top_k));
  }
  if (!(s.top_p > 0 && s.top_p <= 1)) {
    return FieldError("sampling.top_p",
                      absl::StrCat("must be in (0, 1], got ", s.top_p));
  }
  return absl::OkStatus();
}

void Policy::StartPropose(const ProposeRequest& request,
                          const CallContext& call,
                          std::function<void(Candidate)> on_candidate,
                          std::function<void(absl::Status)> on_done) {
  on_done(Propose(request, call, on_candidate));
}

}  // namespace arts::backend
