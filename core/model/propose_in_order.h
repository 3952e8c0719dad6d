#ifndef ARTS_CORE_MODEL_PROPOSE_IN_ORDER_H_
#define ARTS_CORE_MODEL_PROPOSE_IN_ORDER_H_

#include <vector>

#include "absl/status/statusor.h"
#include "core/model/generator.h"

namespace arts::model {

// Every candidate of one Propose call, in index order: the stream delivers
// them in finishing order, and callers that pair candidates with seeds or
// groups need them stable.
absl::StatusOr<std::vector<Candidate>> ProposeInOrder(
    const Generator& generator, const ProposeRequest& request);

}  // namespace arts::model

#endif  // ARTS_CORE_MODEL_PROPOSE_IN_ORDER_H_
