#ifndef ARTS_BACKENDS_GRPC_SOLVE_METADATA_H_
#define ARTS_BACKENDS_GRPC_SOLVE_METADATA_H_

#include <grpcpp/grpcpp.h>

#include <map>
#include <optional>

#include "absl/time/time.h"
#include "core/backend/call_context.h"

namespace arts::backends {

// The metadata that lets a backend schedule across searches and tell the
// orchestrator where a call's time went (docs/bring_your_own.md,
// "Scheduling across searches"). Every value is a decimal count of
// microseconds, relative to when it is sent, so that no clocks need agree.
//
// Sent with every Generator and Verifier call:
inline constexpr char kSolveAgeKey[] = "arts-solve-age-us";  // since arrival
inline constexpr char kSolveTimeLeftKey[] =
    "arts-solve-time-left-us";  // to the Solve's deadline; absent: none
// Sent back by a backend, as trailing metadata:
inline constexpr char kQueuedKey[] = "arts-queued-us";      // waiting
inline constexpr char kComputedKey[] = "arts-computed-us";  // then working

// Adds `solve`'s metadata to a client call made now.
void AddSolveMetadata(const backend::SolveTimes& solve,
                      grpc::ClientContext& context);

// The Solve a server call serves, read now from its metadata: unknown
// parts (absent or malformed values) stay InfiniteFuture.
backend::SolveTimes SolveTimesFrom(
    const std::multimap<grpc::string_ref, grpc::string_ref>& metadata);

// Adds a call's queue wait and compute time to its trailing metadata.
void AddBackendTimeMetadata(absl::Duration queued, absl::Duration computed,
                            grpc::ServerContextBase& context);

// A finished client call's queue wait and compute time, when the backend
// sent both.
std::optional<backend::BackendTime> BackendTimeFrom(
    backend::BackendTime::Backend backend, const grpc::ClientContext& context);

}  // namespace arts::backends

#endif  // ARTS_BACKENDS_GRPC_SOLVE_METADATA_H_
