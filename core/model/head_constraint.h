#ifndef ARTS_CORE_MODEL_HEAD_CONSTRAINT_H_
#define ARTS_CORE_MODEL_HEAD_CONSTRAINT_H_

#include <string>
#include <vector>

#include "core/countdown/checker.h"
#include "core/model/tokenizer.h"

namespace arts::model {

// Constrained decoding for one step: the set of legal heads `A op B =` from a
// state (operands left, no division by zero, no overflow), and which
// characters may come next after a partial head.
class HeadConstraint {
 public:
  explicit HeadConstraint(const countdown::State& state);

  // Tokens that extend `partial` towards at least one legal head.
  std::vector<bool> Allowed(const std::string& partial,
                            const Tokenizer& tokenizer) const;
  const std::vector<std::string>& heads() const { return heads_; }

 private:
  std::vector<std::string> heads_;  // sorted, distinct
};

}  // namespace arts::model

#endif  // ARTS_CORE_MODEL_HEAD_CONSTRAINT_H_
