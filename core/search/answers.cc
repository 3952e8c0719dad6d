#include "core/search/answers.h"

#include <algorithm>
#include <limits>
#include <numeric>
#include <optional>
#include <set>

namespace arts::search {

Check CheckOf(const task::Task& task, const std::string& problem,
              const std::vector<std::string>& steps) {
  const std::optional<bool> passes = task.CheckAnswer(problem, steps);
  if (!passes.has_value()) return Check::kUnknown;
  return *passes ? Check::kPassed : Check::kFailed;
}

Answer MakeAnswer(const Node& node, Aggregation aggregation,
                  const task::Task& task, const std::string& problem) {
  Answer answer;
  answer.steps = node.steps;
  answer.terminal = node.terminal;
  answer.logprob = node.logprob;
  answer.step_log_flows = node.log_flows;
  if (node.terminal) answer.final_value = node.final_answer;
  answer.check = CheckOf(task, problem, node.steps);
  const std::vector<double>& flows = node.log_flows;
  if (!node.scored()) {
    answer.score =
        node.valid ? node.logprob : -std::numeric_limits<double>::infinity();
  } else if (aggregation == Aggregation::kMin) {
    answer.score = *std::min_element(flows.begin(), flows.end());
  } else if (aggregation == Aggregation::kMean) {
    answer.score =
        std::accumulate(flows.begin(), flows.end(), 0.0) / flows.size();
  } else {
    answer.score = flows.back();
  }
  return answer;
}

std::vector<Answer> TopAnswers(std::vector<Answer> answers, int top_n) {
  std::stable_sort(
      answers.begin(), answers.end(),
      [](const Answer& a, const Answer& b) { return a.score > b.score; });
  std::vector<Answer> top;
  std::set<std::vector<std::string>> seen;
  for (Answer& answer : answers) {
    if (static_cast<int>(top.size()) >= top_n) break;
    if (seen.insert(answer.steps).second) top.push_back(std::move(answer));
  }
  return top;
}

}  // namespace arts::search
