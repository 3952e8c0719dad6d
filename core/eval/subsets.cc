#include "core/eval/subsets.h"

#include <fstream>

#include "absl/status/status.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "core/countdown/solver.h"

namespace arts::eval {

absl::StatusOr<Subsets> SelectSubsets(const std::vector<SplitCounts>& splits) {
  Subsets subsets;
  for (const SplitCounts& split : splits) {
    if (split.base.size() != split.rl.size()) {
      return absl::InvalidArgumentError(
          absl::StrCat(split.split, ": the base has ", split.base.size(),
                       " puzzles, the RL model ", split.rl.size()));
    }
    for (size_t i = 0; i < split.base.size(); ++i) {
      const SubsetMember member{split.split, split.base[i], split.rl[i]};
      if (member.base.problem != member.rl.problem) {
        return absl::InvalidArgumentError(
            absl::StrCat(split.split, " row ", i + 1,
                         ": the base counts are of `", member.base.problem,
                         "`, the RL counts of `", member.rl.problem, "`"));
      }
      absl::StatusOr<countdown::Problem> problem =
          countdown::ParseProblem(member.base.problem);
      if (!problem.ok()) return problem.status();
      const int c = member.base.correct;
      if (c >= 1 && 16 * c <= 2 * member.base.samples) {
        subsets.rare.push_back(member);
      }
      if (member.rl.correct == 0 && c >= 1) {
        subsets.extinction.push_back(member);
      }
      if (countdown::Solve(*problem).needs_fraction) {
        subsets.needs_fraction.push_back(member);
      }
    }
  }
  return subsets;
}

std::string SubsetCsv(const std::vector<SubsetMember>& members,
                      absl::string_view comment) {
  std::string csv;
  for (absl::string_view line : absl::StrSplit(comment, '\n')) {
    absl::StrAppend(&csv, "# ", line, "\n");
  }
  absl::StrAppend(&csv, "problem,split,samples,base_correct,rl_correct\n");
  for (const SubsetMember& m : members) {
    absl::StrAppend(&csv, m.base.problem, ",", m.split, ",", m.base.samples,
                    ",", m.base.correct, ",", m.rl.correct, "\n");
  }
  return csv;
}

}  // namespace arts::eval
