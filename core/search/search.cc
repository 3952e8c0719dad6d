#include "core/search/search.h"

#include <string>
#include <utility>
#include <vector>

namespace arts::search {

absl::StatusOr<SearchResult> RunSearch(backend::Policy& policy,
                                       backend::Scorer* scorer,
                                       absl::string_view problem,
                                       const SearchOptions& options,
                                       const EventSink& events) {
  absl::StatusOr<std::unique_ptr<SearchRun>> run = SearchRun::Create(
      std::string(problem), options, scorer != nullptr, events);
  if (!run.ok()) return run.status();
  return RunToEnd(**run, policy, scorer);
}

absl::StatusOr<SearchResult> RunToEnd(SearchRun& run, backend::Policy& policy,
                                      backend::Scorer* scorer) {
  for (SearchRun::Wait wait = run.Advance(); wait != SearchRun::Wait::kFinished;
       wait = run.Advance()) {
    if (wait == SearchRun::Wait::kGenerator) {
      std::vector<ProposeReply> replies;
      for (const ProposeCall& call : run.propose_calls()) {
        ProposeReply& reply = replies.emplace_back();
        reply.status = policy.Propose(
            call.request, run.call(), [&](backend::Candidate candidate) {
              reply.Add(std::move(candidate), call.wanted);
            });
        if (!reply.status.ok()) break;
      }
      run.Proposed(std::move(replies));
    } else {
      std::vector<ScoreReply> replies;
      for (const ScoreCall& call : run.score_calls()) {
        replies.push_back(scorer->Score(call.request, run.call()));
        if (!replies.back().ok()) break;
      }
      run.Scored(std::move(replies));
    }
  }
  return run.TakeResult();
}

}  // namespace arts::search
