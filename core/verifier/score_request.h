#ifndef ARTS_CORE_VERIFIER_SCORE_REQUEST_H_
#define ARTS_CORE_VERIFIER_SCORE_REQUEST_H_

#include <string>
#include <vector>

#include "absl/status/status.h"
#include "core/backend/scorer.h"
#include "core/countdown/problem.h"
#include "core/verifier/flow_verifier.h"

namespace arts::verifier {

// Request limits, enforced by ValidateScoreRequest and documented in
// docs/verifier.md.
inline constexpr int kMaxTracesPerRequest = backend::kMaxTracesPerScore;
inline constexpr int kMaxStepsPerTrace = 8;

// Checks a batch of traces to score: their number, each problem's grammar,
// and each step's size and characters. Steps need not be legal (the verifier
// scores illegal traces too; they are data), only one line of text in the
// model's alphabet, possibly empty (a candidate that wrote nothing). Errors
// are InvalidArgument and start with the offending field: "traces: ...",
// "traces[2].problem: ...", "traces[2].steps: ...", "traces[2].steps[1]:
// ...". A trace too long for the model's context is left to
// FlowVerifier::Score, which reports it as "traces[2]: ...". `task` is the
// verifier's: "countdown" checks problems and steps as above, "text" as the
// `text` task does (a problem of at most 16 KiB, steps of one line of at
// most 4 KiB).
absl::Status ValidateScoreRequest(
    const std::vector<TraceRef>& traces,
    const std::string& task = countdown::kTaskName);

}  // namespace arts::verifier

#endif  // ARTS_CORE_VERIFIER_SCORE_REQUEST_H_
