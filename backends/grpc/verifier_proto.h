#ifndef ARTS_BACKENDS_GRPC_VERIFIER_PROTO_H_
#define ARTS_BACKENDS_GRPC_VERIFIER_PROTO_H_

#include <vector>

#include "arts/v1/verifier.pb.h"
#include "core/backend/scorer.h"

namespace arts::backends {

// Conversions between core's Scorer types and arts.v1's Verifier messages,
// both ways (the Verifier service and GrpcScorer). No validation here.
backend::ScoreRequest FromProto(const arts::v1::ScoreRequest& request);
arts::v1::ScoreRequest ToProto(const backend::ScoreRequest& request,
                               bool per_step);
// One trace's log F at every prefix; only the last unless `per_step`.
arts::v1::TraceScore ToProto(const std::vector<double>& log_flows,
                             bool per_step);
std::vector<std::vector<double>> FromProto(
    const arts::v1::ScoreResponse& response);

}  // namespace arts::backends

#endif  // ARTS_BACKENDS_GRPC_VERIFIER_PROTO_H_
