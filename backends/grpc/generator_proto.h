#ifndef ARTS_BACKENDS_GRPC_GENERATOR_PROTO_H_
#define ARTS_BACKENDS_GRPC_GENERATOR_PROTO_H_

#include "arts/v1/generator.pb.h"
#include "core/backend/policy.h"

namespace arts::backends {

// Conversions between core's Policy types and arts.v1's Generator messages,
// both ways: the Generator service reads requests and writes candidates,
// GrpcPolicy the reverse. No validation here: core validates.
backend::ProposeRequest FromProto(const arts::v1::ProposeRequest& request);
arts::v1::ProposeRequest ToProto(const backend::ProposeRequest& request);
backend::Candidate FromProto(const arts::v1::Candidate& candidate);
arts::v1::Candidate ToProto(const backend::Candidate& candidate);

}  // namespace arts::backends

#endif  // ARTS_BACKENDS_GRPC_GENERATOR_PROTO_H_
