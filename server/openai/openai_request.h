#ifndef ARTS_SERVER_OPENAI_OPENAI_REQUEST_H_
#define ARTS_SERVER_OPENAI_OPENAI_REQUEST_H_

#include <optional>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "absl/time/time.h"
#include "arts/v1/orchestrator.pb.h"

namespace arts::openai {

// Which OpenAI endpoint a request came to.
enum class Api { kChatCompletions, kCompletions };

// An OpenAI request, read as a Solve (docs/search.md, "Calling it from an
// OpenAI SDK", has the whole mapping).
struct SearchCall {
  Api api = Api::kChatCompletions;
  std::string model;  // as the request named it
  arts::v1::SolveRequest solve;
  bool stream = false;
  bool include_usage = false;  // stream_options.include_usage
  // arts.deadline_ms, when given.
  std::optional<absl::Duration> deadline;
};

// The model names, one per strategy: "arts", "best-of-n", "weighted-vote",
// "majority-vote", "beam", "dvts".
std::vector<std::string> ModelNames();
// The strategy a model name names (underscores read as hyphens, any case);
// NotFound for any other name.
absl::StatusOr<arts::v1::Strategy> StrategyOfModel(absl::string_view model);

// Parses a request body. Errors are InvalidArgument (NotFound for an
// unknown model) and name the field in their `param` (ParamOf), the way
// OpenAI's errors do: "temperature", "messages[2].content", "arts.beam_width".
absl::StatusOr<SearchCall> ParseSearchCall(Api api, absl::string_view body);

// The request field an error is about: the param an error of ParseSearchCall
// carries, or, for an error from the search itself ("beam_width: must be 1
// to 64, got 0"), the request field that field came from. Empty: none.
std::string ParamOf(const absl::Status& status, Api api);

}  // namespace arts::openai

#endif  // ARTS_SERVER_OPENAI_OPENAI_REQUEST_H_
