#ifndef ARTS_CORE_BACKEND_SCORER_H_
#define ARTS_CORE_BACKEND_SCORER_H_

#include <functional>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "core/backend/call_context.h"
#include "core/backend/default_task.h"

namespace arts::backend {

// Traces one Score call may carry (documented in docs/verifier.md).
inline constexpr int kMaxTracesPerScore = 256;

// A partial trace to score: a problem and the steps written so far.
struct TraceRef {
  std::string problem;
  std::vector<std::string> steps;
};

struct ScoreRequest {
  std::string task = kDefaultTask;
  std::vector<TraceRef> traces;
};

// Where scores come from: the verifier F_theta, in this process or behind a
// Verifier service. Search strategies are written against this interface.
class Scorer {
 public:
  virtual ~Scorer() = default;

  // For each trace, log F of every prefix (entry 0 the problem alone, entry i
  // the trace after step i). Gives up with DEADLINE_EXCEEDED at the call's
  // deadline; UNAVAILABLE means the verifier cannot be reached.
  virtual absl::StatusOr<std::vector<std::vector<double>>> Score(
      const ScoreRequest& request, const CallContext& call) = 0;

  using ScoreDone =
      std::function<void(absl::StatusOr<std::vector<std::vector<double>>>)>;
  // The same call, started without waiting for it: `on_done` is called
  // exactly once, from any thread, maybe before StartScore returns. As
  // Policy::StartPropose, the default scores on the calling thread.
  virtual void StartScore(const ScoreRequest& request, const CallContext& call,
                          ScoreDone on_done) {
    on_done(Score(request, call));
  }
};

}  // namespace arts::backend

#endif  // ARTS_CORE_BACKEND_SCORER_H_
