#ifndef ARTS_BACKENDS_LOCAL_LOCAL_POLICY_H_
#define ARTS_BACKENDS_LOCAL_LOCAL_POLICY_H_

#include "core/backend/policy.h"
#include "core/model/generator.h"

namespace arts::backends {

// backend::Policy over a generator loaded in this process. The call's
// deadline and cancellation are checked between forward passes.
class LocalPolicy : public backend::Policy {
 public:
  explicit LocalPolicy(const model::Generator& generator)
      : generator_(generator) {}

  absl::Status Propose(
      const backend::ProposeRequest& request, const backend::CallContext& call,
      const std::function<void(backend::Candidate)>& on_candidate) override;

 private:
  const model::Generator& generator_;
};

}  // namespace arts::backends

#endif  // ARTS_BACKENDS_LOCAL_LOCAL_POLICY_H_
