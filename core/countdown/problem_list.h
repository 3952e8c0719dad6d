#ifndef ARTS_CORE_COUNTDOWN_PROBLEM_LIST_H_
#define ARTS_CORE_COUNTDOWN_PROBLEM_LIST_H_

#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "core/countdown/problem.h"

namespace arts::countdown {

// The problems of a puzzle file: a subset file of the RL report, or any file
// whose non-comment lines start with a problem (a `problem,...` header is
// skipped). Errors name the file and the line.
absl::StatusOr<std::vector<Problem>> LoadProblemList(const std::string& path);

}  // namespace arts::countdown

#endif  // ARTS_CORE_COUNTDOWN_PROBLEM_LIST_H_
