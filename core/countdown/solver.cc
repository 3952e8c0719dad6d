#include "core/countdown/solver.h"

#include <algorithm>
#include <set>
#include <utility>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "core/countdown/problem.h"

namespace arts::countdown {
namespace {

constexpr char kOperators[] = {'+', '-', '*', '/'};

bool IsCommutative(char op) { return op == '+' || op == '*'; }

// Calls `visit(step)` for each legal next step, skipping the mirrored order of
// commutative operators and repeated copies of the same operand pair.
template <typename Visit>
void ForEachStep(const State& state, Visit&& visit) {
  const std::vector<Rational>& left = state.left;
  std::set<std::pair<std::pair<int64_t, int64_t>, std::pair<int64_t, int64_t>>>
      seen_pairs;
  for (size_t i = 0; i < left.size(); ++i) {
    for (size_t j = 0; j < left.size(); ++j) {
      if (i == j) continue;
      auto key = std::pair{std::pair{left[i].num(), left[i].den()},
                           std::pair{left[j].num(), left[j].den()}};
      if (!seen_pairs.insert(key).second) continue;
      for (char op : kOperators) {
        if (IsCommutative(op) && left[i] < left[j]) continue;
        absl::StatusOr<Step> step = CompleteStep(state, left[i], op, left[j]);
        if (step.ok()) visit(*step);
      }
    }
  }
}

struct Search {
  std::set<std::string> solutions;
  bool any_integer_only = false;
  std::vector<std::string> example;

  void Run(const State& state, std::vector<std::string>& path,
           bool fraction_seen) {
    if (state.terminal()) {
      if (!state.correct()) return;
      if (solutions.insert(absl::StrJoin(path, "\n")).second &&
          example.empty()) {
        example = path;
      }
      if (!fraction_seen) any_integer_only = true;
      return;
    }
    ForEachStep(state, [&](const Step& step) {
      path.push_back(FormatStep(step));
      Run(State{state.problem, step.left}, path,
          fraction_seen || !step.result.is_integer());
      path.pop_back();
    });
  }
};

// The key of a state in a SolvableMemo: the target and the numbers left,
// sorted, so that the same multiset reached in any order is one entry.
std::string MemoKey(const State& state) {
  std::vector<Rational> left = state.left;
  std::sort(left.begin(), left.end());
  return absl::StrCat(state.problem.target.ToString(), "|", JoinNumbers(left));
}

// Stops at the first solution. `memo` may be null.
bool Reachable(const State& state, SolvableMemo* memo) {
  if (state.terminal()) return state.correct();
  std::string key;
  if (memo != nullptr && state.left.size() >= 3) {
    key = MemoKey(state);
    if (auto it = memo->find(key); it != memo->end()) return it->second;
  }
  bool found = false;
  ForEachStep(state, [&](const Step& step) {
    if (!found) found = Reachable(State{state.problem, step.left}, memo);
  });
  if (!key.empty()) memo->emplace(std::move(key), found);
  return found;
}

}  // namespace

SolveFacts Solve(const State& state) {
  Search search;
  std::vector<std::string> path;
  bool fraction_seen = false;
  for (const Rational& n : state.left) fraction_seen |= !n.is_integer();
  search.Run(state, path, fraction_seen);
  SolveFacts facts;
  facts.num_solutions = static_cast<int>(search.solutions.size());
  facts.solvable = facts.num_solutions > 0;
  facts.needs_fraction = facts.solvable && !search.any_integer_only;
  facts.example = std::move(search.example);
  return facts;
}

bool IsSolvable(const State& state) { return Reachable(state, nullptr); }

bool IsSolvable(const State& state, SolvableMemo& memo) {
  return Reachable(state, &memo);
}

}  // namespace arts::countdown
