// libFuzzer target: the `text` task's validation of problems, steps and
// answers, as the orchestrator runs it on a third party's traces. Input: a
// problem on the first line, steps on the next ones.

#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

#include "absl/strings/str_split.h"
#include "core/task/task.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string input(reinterpret_cast<const char*>(data), size);
  const std::vector<std::string> lines = absl::StrSplit(input, '\n');
  const std::vector<std::string> steps(lines.begin() + 1, lines.end());
  const arts::task::Task* text = arts::task::FindTask("text");
  if (text == nullptr) __builtin_trap();
  (void)text->CheckProblem(lines[0]);
  (void)text->CheckTrace(lines[0], steps);
  (void)text->NormalizeAnswer(input);
  (void)text->AnswersEqual(lines[0], input);
  (void)text->Reward(lines[0], steps);
  (void)text->CheckAnswer(lines[0], steps);
  return 0;
}
