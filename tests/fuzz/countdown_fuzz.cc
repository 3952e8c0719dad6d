// libFuzzer target: the Countdown problem and step parsers and the checker.
// Input: a problem on the first line, steps on the next ones. Every parser
// must return a value or an error, never crash; whatever parses is checked
// and, through the task, completed and rewarded.

#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

#include "absl/strings/str_split.h"
#include "core/countdown/checker.h"
#include "core/countdown/problem.h"
#include "core/countdown/step.h"
#include "core/task/task.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string input(reinterpret_cast<const char*>(data), size);
  const std::vector<std::string> lines = absl::StrSplit(input, '\n');
  const std::vector<std::string> steps(lines.begin() + 1, lines.end());
  for (const std::string& line : steps) {
    (void)arts::countdown::ParseStep(line);
    (void)arts::countdown::ParseStepHead(line);
  }
  (void)arts::countdown::SplitTokens(lines[0]);
  const absl::StatusOr<arts::countdown::Problem> problem =
      arts::countdown::ParseProblem(lines[0]);
  if (problem.ok()) {
    (void)arts::countdown::FormatProblem(*problem);
    (void)arts::countdown::CheckTrace(*problem, steps);
  }
  const arts::task::Task* countdown = arts::task::FindTask("countdown");
  if (countdown != nullptr && countdown->CheckProblem(lines[0]).ok()) {
    (void)countdown->CheckTrace(lines[0], steps);
    (void)countdown->Reward(lines[0], steps);
    (void)countdown->CheckAnswer(lines[0], steps);
    if (!steps.empty()) {
      (void)countdown->CompleteStep(
          lines[0], std::vector<std::string>(steps.begin(), steps.end() - 1),
          steps.back());
    }
  }
  return 0;
}
