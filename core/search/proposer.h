#ifndef ARTS_CORE_SEARCH_PROPOSER_H_
#define ARTS_CORE_SEARCH_PROPOSER_H_

#include <functional>

#include "absl/status/status.h"
#include "absl/time/clock.h"
#include "absl/time/time.h"
#include "core/model/generator.h"

namespace arts::search {

// Where candidate steps come from: the base policy pi, in this process or
// behind a Generator service. Tree collection and search are written against
// this interface only, so the same code runs in one process or across
// services.
class Proposer {
 public:
  virtual ~Proposer() = default;

  // Samples request.num_candidates candidates, calling `on_candidate` as each
  // finishes, and gives up with DEADLINE_EXCEEDED at `deadline`. Errors use
  // the canonical codes (INVALID_ARGUMENT naming the field, UNAVAILABLE, ...).
  virtual absl::Status Propose(
      const model::ProposeRequest& request, absl::Time deadline,
      const std::function<void(model::Candidate)>& on_candidate) = 0;
};

// The in-process implementation over a loaded model.
class LocalProposer : public Proposer {
 public:
  explicit LocalProposer(const model::Generator& generator)
      : generator_(generator) {}

  absl::Status Propose(
      const model::ProposeRequest& request, absl::Time deadline,
      const std::function<void(model::Candidate)>& on_candidate) override {
    absl::Status status =
        generator_
            .Propose(request, on_candidate,
                     [deadline] { return absl::Now() >= deadline; })
            .status();
    if (absl::IsCancelled(status)) {
      return absl::DeadlineExceededError("deadline passed while proposing");
    }
    return status;
  }

 private:
  const model::Generator& generator_;
};

}  // namespace arts::search

#endif  // ARTS_CORE_SEARCH_PROPOSER_H_
