#include "core/countdown/problem_list.h"

#include <fstream>
#include <utility>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/string_view.h"

namespace arts::countdown {

absl::StatusOr<std::vector<Problem>> LoadProblemList(const std::string& path) {
  std::ifstream in(path);
  if (!in) return absl::NotFoundError(absl::StrCat("cannot read ", path));
  std::vector<Problem> problems;
  std::string line;
  for (int number = 1; std::getline(in, line); ++number) {
    if (!line.empty() && line.back() == '\r') line.pop_back();
    if (line.empty() || absl::StartsWith(line, "#") ||
        absl::StartsWith(line, "problem,")) {
      continue;
    }
    const absl::string_view text =
        absl::string_view(line).substr(0, line.find(','));
    absl::StatusOr<Problem> problem = ParseProblem(text);
    if (!problem.ok()) {
      return absl::InvalidArgumentError(absl::StrCat(
          path, ": line ", number, ": ", problem.status().message()));
    }
    problems.push_back(*std::move(problem));
  }
  if (problems.empty()) {
    return absl::InvalidArgumentError(absl::StrCat(path, ": no problems"));
  }
  return problems;
}

}  // namespace arts::countdown
