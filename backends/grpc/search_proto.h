#ifndef ARTS_BACKENDS_GRPC_SEARCH_PROTO_H_
#define ARTS_BACKENDS_GRPC_SEARCH_PROTO_H_

#include "absl/status/statusor.h"
#include "arts/v1/orchestrator.pb.h"
#include "core/search/search_options.h"
#include "core/search/search_result.h"

namespace arts::backends {

// Conversions between core's search types and arts.v1's Orchestrator
// messages, shared by the service (proto in, proto out) and its clients.

// Request to options. Unset parameters take SearchOptions' defaults (those
// that depend on the strategy stay unset, for RunSearch to fill in); an
// unknown enum value is INVALID_ARGUMENT naming the field. The deadline is
// not in the message (it is the call's) and stays infinite here.
absl::StatusOr<search::SearchOptions> OptionsFromProto(
    const arts::v1::SolveRequest& request);
arts::v1::SolveRequest ToProto(const std::string& problem,
                               const search::SearchOptions& options);

arts::v1::CheckResult ToProto(search::Check check);
search::Check FromProto(arts::v1::CheckResult check);
arts::v1::Answer ToProto(const search::Answer& answer);
arts::v1::CostReceipt ToProto(const search::CostReceipt& cost);
search::CostReceipt CostFromProto(const arts::v1::CostReceipt& cost);
arts::v1::SolveResponse ToProto(const search::SearchResult& result,
                                search::Strategy strategy);
search::SearchResult FromProto(const arts::v1::SolveResponse& response);

arts::v1::TreeNode ToProto(const search::TreeNode& node);
search::TreeNode FromProto(const arts::v1::TreeNode& node);
arts::v1::SearchTree ToProto(const search::SearchTree& tree);
search::SearchTree FromProto(const arts::v1::SearchTree& tree);
arts::v1::TreeEvent::Change ToProto(search::TreeChange change);
search::TreeChange FromProto(arts::v1::TreeEvent::Change change);

}  // namespace arts::backends

#endif  // ARTS_BACKENDS_GRPC_SEARCH_PROTO_H_
