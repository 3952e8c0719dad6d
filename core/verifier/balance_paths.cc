#include "core/verifier/balance_paths.h"

#include <utility>

#include "core/countdown/legal_steps.h"
#include "core/countdown/problem.h"

namespace arts::verifier {

std::vector<BalancePath> MakeBalancePaths(const std::vector<TraceTree>& trees,
                                          const BackupOptions& options) {
  std::vector<BalancePath> paths;
  for (const TraceTree& tree : trees) {
    absl::StatusOr<countdown::Problem> problem =
        countdown::ParseProblem(tree.problem);
    if (!problem.ok()) continue;
    for (size_t i = 1; i < tree.nodes.size(); ++i) {
      if (!tree.nodes[i].children.empty()) continue;
      const std::vector<std::string> steps = tree.StepsTo(static_cast<int>(i));
      BalancePath path;
      path.problem = tree.problem;
      countdown::State state = countdown::InitialState(*problem);
      for (const std::string& step : steps) {
        if (state.terminal()) break;
        std::vector<std::string> legal;
        for (const countdown::LegalStep& next : countdown::LegalSteps(state)) {
          legal.push_back(countdown::FormatStep(next.step));
        }
        path.steps.push_back(step);
        const countdown::TraceVerdict verdict =
            countdown::CheckTrace(*problem, path.steps);
        if (!verdict.valid) {
          path.steps.pop_back();
          break;
        }
        path.legal.push_back(std::move(legal));
        state = verdict.state;
      }
      if (path.steps.empty()) continue;
      path.terminal = state.terminal();
      if (path.terminal) {
        path.log_reward =
            state.correct() ? options.log_reward_correct
                            : options.log_reward_correct + options.log_epsilon;
      }
      paths.push_back(std::move(path));
    }
  }
  return paths;
}

}  // namespace arts::verifier
