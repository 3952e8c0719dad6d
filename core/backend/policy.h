#ifndef ARTS_CORE_BACKEND_POLICY_H_
#define ARTS_CORE_BACKEND_POLICY_H_

#include <cstdint>
#include <functional>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "core/backend/call_context.h"
#include "core/backend/default_task.h"

namespace arts::backend {

// Limits of one Propose call, enforced by ValidateProposeShape and
// documented in docs/generator.md.
inline constexpr int kMaxCandidates = 64;    // per prefix
inline constexpr int kMaxPrefixes = 64;      // prefixes per call
inline constexpr int kMaxRowsPerCall = 256;  // prefixes x candidates
inline constexpr int kMaxStepsPerProposal = 8;
inline constexpr double kMaxTemperature = 10.0;

struct SamplingParams {
  double temperature = 1.0;  // 0 = greedy
  int top_k = 0;             // 0 = off
  double top_p = 1.0;        // 1 = off
  uint64_t seed = 0;
  // Decode only legal steps (a task-specific constraint; the bundled
  // Countdown generator restricts operands to the numbers left).
  bool constrained = false;
};

// One call to the base policy pi: `num_candidates` continuations of every
// prefix. One call expands a whole frontier of a search.
struct ProposeRequest {
  std::string task = kDefaultTask;  // which task the problem belongs to
  std::string problem;
  // The partial traces to continue, each a list of steps; an empty list of
  // prefixes means one prefix with no steps (the problem alone).
  std::vector<std::vector<std::string>> prefixes;
  int num_candidates = 1;  // per prefix
  int max_steps = 1;       // steps per candidate; 0 = continue to the end
  SamplingParams sampling;
};

// What the search needs of a proposed continuation, so that it never
// re-implements a task it does not own: legality, whether the trace is
// complete and its final answer all come from the generator.
struct Candidate {
  int prefix_index = 0;            // which prefix of the request it extends
  int index = 0;                   // 0..num_candidates-1, stable per seed
  std::vector<std::string> steps;  // the new steps only
  // log pi(steps | prefix) at temperature 1 over the model's own tokens.
  double logprob = 0;
  int num_tokens = 0;        // tokens the model sampled
  bool terminal = false;     // the trace is complete
  std::string final_answer;  // when terminal: the trace's answer
  bool valid = true;         // false: the last step is illegal
  std::string invalid_reason;
};

// The request's prefixes, with the empty list read as one empty prefix.
std::vector<std::vector<std::string>> PrefixesOf(const ProposeRequest& request);

// Checks the parts of a request that do not depend on the task: counts and
// sampling parameters. InvalidArgument naming the field, e.g.
// "num_candidates: must be 1 to 64, got 0".
absl::Status ValidateProposeShape(const ProposeRequest& request);

// Where candidate steps come from: the base policy pi, in this process or
// behind a Generator service. Search and tree collection are written against
// this interface only, so the same code runs in one process or across
// services.
class Policy {
 public:
  virtual ~Policy() = default;

  // Samples request.num_candidates continuations of every prefix, calling
  // `on_candidate` as each finishes (from the calling thread, in any order).
  // Gives up with DEADLINE_EXCEEDED at the call's deadline and CANCELLED
  // when it is cancelled. Errors use the canonical codes (INVALID_ARGUMENT
  // naming the field, UNAVAILABLE, ...).
  virtual absl::Status Propose(
      const ProposeRequest& request, const CallContext& call,
      const std::function<void(Candidate)>& on_candidate) = 0;

  // The same call, started without waiting for it: `on_candidate` (one at a
  // time) and then `on_done` exactly once are called from any thread, maybe
  // before StartPropose returns. The policy copies what it keeps of
  // `request` and `call`. A backend that waits without holding a thread
  // (gRPC, the in-process scheduler) overrides it; the default runs Propose
  // on the calling thread, which is right only for fast backends (tests).
  virtual void StartPropose(const ProposeRequest& request,
                            const CallContext& call,
                            std::function<void(Candidate)> on_candidate,
                            std::function<void(absl::Status)> on_done);
};

}  // namespace arts::backend

#endif  // ARTS_CORE_BACKEND_POLICY_H_
