// libFuzzer target: what a Generator and a Verifier send back, through the
// orchestrator's checks (search::BackendGateway): a round's Candidate stream
// for one parent, then the ScoreResponse for the children it made. Input:
// a count of candidates, each as a length byte and a serialized Candidate,
// then a serialized ScoreResponse. A contract broken must give an error,
// never a crash or a node that holds what the check refused.

#include <cmath>
#include <cstddef>
#include <cstdint>
#include <string>
#include <utility>
#include <vector>

#include "arts/v1/generator.pb.h"
#include "arts/v1/verifier.pb.h"
#include "backends/grpc/generator_proto.h"
#include "backends/grpc/verifier_proto.h"
#include "core/search/backend_gateway.h"
#include "core/search/search_options.h"
#include "core/task/task.h"

namespace {

constexpr char kProblem[] = "4 9 10 13 -> 24";

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using arts::search::Node;
  if (size == 0) return 0;
  const arts::task::Task* task = arts::task::FindTask("countdown");
  arts::search::SearchOptions options;
  arts::search::BackendGateway gateway(*task, kProblem, options);
  const Node root;
  const std::vector<const Node*> parents = {&root};
  std::vector<arts::search::ProposeCall> calls =
      gateway.ProposeCalls(parents, /*count=*/4, /*to_the_end=*/false);
  if (calls.size() != 1) __builtin_trap();

  size_t at = 1;
  std::vector<arts::search::ProposeReply> replies(1);
  for (int n = data[0] % 9; n > 0 && at < size; --n) {
    const size_t length = std::min<size_t>(data[at], size - at - 1);
    arts::v1::Candidate candidate;
    if (candidate.ParseFromArray(data + at + 1, static_cast<int>(length))) {
      replies[0].Add(arts::backends::FromProto(candidate), calls[0].wanted);
    }
    at += 1 + length;
  }
  absl::StatusOr<std::vector<std::vector<Node>>> children =
      gateway.Children(parents, calls, std::move(replies));
  if (!children.ok()) return 0;

  std::vector<Node*> nodes;
  for (Node& child : (*children)[0]) nodes.push_back(&child);
  std::vector<arts::search::ScoreCall> score_calls = gateway.ScoreCalls(nodes);
  arts::v1::ScoreResponse response;
  if (at > size ||
      !response.ParseFromArray(data + at, static_cast<int>(size - at))) {
    return 0;
  }
  std::vector<arts::search::ScoreReply> scores;
  for (size_t i = 0; i < score_calls.size(); ++i) {
    scores.emplace_back(arts::backends::FromProto(response));
  }
  if (gateway.ApplyScores(score_calls, std::move(scores)).ok()) {
    for (const Node* node : nodes) {
      for (double log_flow : node->log_flows) {
        // An accepted score is a log flow within range.
        if (!(std::abs(log_flow) <= arts::search::kMaxAbsLogFlow)) {
          __builtin_trap();
        }
      }
    }
  }
  return 0;
}
