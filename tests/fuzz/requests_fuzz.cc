// libFuzzer target: each request message from arbitrary bytes through its
// conversion and validation, as the services run them before any model
// work. The first byte picks the message: SolveRequest (the orchestrator's
// options and its search's checks), ProposeRequest (the generator's
// validation) or ScoreRequest (the verifier's).

#include <cstddef>
#include <cstdint>
#include <memory>

#include "arts/v1/generator.pb.h"
#include "arts/v1/orchestrator.pb.h"
#include "arts/v1/verifier.pb.h"
#include "backends/grpc/generator_proto.h"
#include "backends/grpc/search_proto.h"
#include "backends/grpc/verifier_proto.h"
#include "core/backend/policy.h"
#include "core/model/generator.h"
#include "core/search/search_run.h"
#include "core/verifier/score_request.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size == 0) return 0;
  const uint8_t which = data[0] % 3;
  const void* bytes = data + 1;
  const int length = static_cast<int>(size - 1);
  if (which == 0) {
    arts::v1::SolveRequest request;
    if (!request.ParseFromArray(bytes, length)) return 0;
    absl::StatusOr<arts::search::SearchOptions> options =
        arts::backends::OptionsFromProto(request);
    if (options.ok()) {
      (void)arts::search::SearchRun::Create(request.problem(), *options,
                                            /*has_scorer=*/true, nullptr);
    }
  } else if (which == 1) {
    arts::v1::ProposeRequest request;
    if (!request.ParseFromArray(bytes, length)) return 0;
    const arts::backend::ProposeRequest converted =
        arts::backends::FromProto(request);
    (void)arts::backend::ValidateProposeShape(converted);
    (void)arts::model::ValidateProposeRequest(converted);
  } else {
    arts::v1::ScoreRequest request;
    if (!request.ParseFromArray(bytes, length)) return 0;
    const arts::backend::ScoreRequest converted =
        arts::backends::FromProto(request);
    (void)arts::verifier::ValidateScoreRequest(converted.traces);
  }
  return 0;
}
