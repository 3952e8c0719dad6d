// A toy task for the `text` contract, with a scripted base policy and
// scorer and no model, so search logic is tested in milliseconds and the
// orchestrator is tested against generators this project did not train.
//
// The problem "spell WORD" asks for WORD one letter per step; a step is the
// free text "letter c". The policy proposes the right next letter with
// probability 0.3, another of "abcd" otherwise, and now and then an illegal
// step ("letter ?"); a trace is complete after |WORD| steps and its final
// answer is the letters, written in capitals (so votes must normalize). The
// problem "mute WORD" is the same but its complete traces carry no final
// answer. The scorer knows the word: F is high while the prefix is right
// (and after a last step "answer: ..." that follows the right letters).
#ifndef ARTS_TESTS_SCRIPTED_POLICY_H_
#define ARTS_TESTS_SCRIPTED_POLICY_H_

#include <atomic>
#include <string>
#include <vector>

#include "absl/time/time.h"
#include "core/backend/policy.h"
#include "core/backend/scorer.h"
#include "core/search/search_options.h"

namespace arts::testing_support {

// The word a toy problem asks for, or "" if it is not one.
std::string ToyWord(const std::string& problem);

// Search options for the toy task that every scripted test starts from:
// the `text` task, small widths, no token budget, seed 3.
search::SearchOptions ToyOptions(search::Strategy strategy);

class ScriptedPolicy : public backend::Policy {
 public:
  // `delay`: how long each candidate takes (in slices of 5 ms that check
  // the call's cancellation), for cancellation tests.
  explicit ScriptedPolicy(absl::Duration delay = absl::ZeroDuration())
      : delay_(delay) {}

  absl::Status Propose(
      const backend::ProposeRequest& request, const backend::CallContext& call,
      const std::function<void(backend::Candidate)>& on_candidate) override;

  int calls() const { return calls_.load(); }

 private:
  absl::Duration delay_;
  std::atomic<int> calls_{0};
};

class ScriptedScorer : public backend::Scorer {
 public:
  absl::StatusOr<std::vector<std::vector<double>>> Score(
      const backend::ScoreRequest& request,
      const backend::CallContext& call) override;

  int calls() const { return calls_.load(); }

 private:
  std::atomic<int> calls_{0};
};

}  // namespace arts::testing_support

#endif  // ARTS_TESTS_SCRIPTED_POLICY_H_
