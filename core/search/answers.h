#ifndef ARTS_CORE_SEARCH_ANSWERS_H_
#define ARTS_CORE_SEARCH_ANSWERS_H_

#include <string>
#include <vector>

#include "core/search/node.h"
#include "core/search/search_options.h"
#include "core/search/search_result.h"
#include "core/task/task.h"

namespace arts::search {

// The answer for a complete or partial trace of `problem`: its score is the
// node's log F of every prefix aggregated as `aggregation` says (or its
// log pi when it was never scored), and the task says whether it passes
// its check.
Answer MakeAnswer(const Node& node, Aggregation aggregation,
                  const task::Task& task, const std::string& problem);

// What the task's own check says of a trace of `problem`.
Check CheckOf(const task::Task& task, const std::string& problem,
              const std::vector<std::string>& steps);

// The best `top_n` distinct answers by score, best first.
std::vector<Answer> TopAnswers(std::vector<Answer> answers, int top_n);

}  // namespace arts::search

#endif  // ARTS_CORE_SEARCH_ANSWERS_H_
