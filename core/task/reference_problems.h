#ifndef ARTS_CORE_TASK_REFERENCE_PROBLEMS_H_
#define ARTS_CORE_TASK_REFERENCE_PROBLEMS_H_

#include <string>
#include <vector>

#include "absl/status/statusor.h"

namespace arts::task {

// A problem of your own task with its reference answer: trees collected
// for it reward a complete trace 1 when its final answer equals the
// reference after the task's normalization (docs/formats.md).
struct ReferenceProblem {
  std::string problem;
  std::string answer;
  int line = 0;  // where it is in its file, from 1
};

// Reads a JSON Lines file, one {"problem": "...", "answer": "..."} a line
// (blank lines skipped, other keys ignored). Errors name the file, the line
// and the field: "train.jsonl:3: answer: must be a string, got a number".
absl::StatusOr<std::vector<ReferenceProblem>> ReadReferenceProblems(
    const std::string& path);

}  // namespace arts::task

#endif  // ARTS_CORE_TASK_REFERENCE_PROBLEMS_H_
