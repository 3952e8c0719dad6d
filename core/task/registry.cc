// The tasks this build knows. A new task is one class and one line here.
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "core/countdown/problem.h"
#include "core/task/countdown_task.h"
#include "core/task/task.h"
#include "core/task/text_task.h"

namespace arts::task {
namespace {

const std::vector<const Task*>& AllTasks() {
  static const auto* tasks =
      new std::vector<const Task*>{new CountdownTask(), new TextTask()};
  return *tasks;
}

}  // namespace

const Task* FindTask(absl::string_view name) {
  if (name.empty()) name = countdown::kTaskName;
  for (const Task* task : AllTasks()) {
    if (task->name() == name) return task;
  }
  return nullptr;
}

std::vector<std::string> TaskNames() {
  std::vector<std::string> names;
  for (const Task* task : AllTasks()) names.emplace_back(task->name());
  return names;
}

absl::StatusOr<const Task*> TaskOrError(absl::string_view name) {
  const Task* task = FindTask(name);
  if (task == nullptr) {
    return absl::InvalidArgumentError(
        absl::StrCat("task: unknown task '", name,
                     "' (known: ", absl::StrJoin(TaskNames(), ", "), ")"));
  }
  return task;
}

}  // namespace arts::task
