#ifndef ARTS_CORE_EVAL_SUBSETS_H_
#define ARTS_CORE_EVAL_SUBSETS_H_

#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "core/countdown/problem.h"
#include "core/eval/sample_counts.h"

namespace arts::eval {

// One split's sample counts of the base and of the RL generator, the same
// puzzles in the same order.
struct SplitCounts {
  std::string split;
  std::vector<SampleCounts> base;
  std::vector<SampleCounts> rl;
};

struct SubsetMember {
  std::string split;
  SampleCounts base;
  SampleCounts rl;
};

// The puzzle subsets of the ARTS paper, drawn from every split given:
//  - rare: the base model solves at most 2 of 16 samples, measured as
//    correct / samples <= 2 / 16, but at least once (a puzzle it never
//    solves has no rare path to keep);
//  - extinction: the RL model's pass@16 is 0 (the unbiased estimate from
//    its samples, which is 0 exactly when none of them is correct) while
//    the base model's pass@n is above 0;
//  - needs_fraction: every solution passes through a non-integer number
//    (exhaustive search, countdown::Solve).
struct Subsets {
  std::vector<SubsetMember> rare;
  std::vector<SubsetMember> extinction;
  std::vector<SubsetMember> needs_fraction;
};

absl::StatusOr<Subsets> SelectSubsets(const std::vector<SplitCounts>& splits);

// A subset file: `# ` comment lines (what the subset is, the command that
// made it), then `problem,split,samples,base_correct,rl_correct`.
std::string SubsetCsv(const std::vector<SubsetMember>& members,
                      absl::string_view comment);

}  // namespace arts::eval

#endif  // ARTS_CORE_EVAL_SUBSETS_H_
