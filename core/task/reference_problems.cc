#include "core/task/reference_problems.h"

#include <fstream>
#include <nlohmann/json.hpp>

#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"

namespace arts::task {

absl::StatusOr<std::vector<ReferenceProblem>> ReadReferenceProblems(
    const std::string& path) {
  std::ifstream in(path);
  if (!in) return absl::NotFoundError(absl::StrCat("cannot open ", path));
  std::vector<ReferenceProblem> out;
  std::string line;
  int line_number = 0;
  while (std::getline(in, line)) {
    ++line_number;
    if (absl::StripAsciiWhitespace(line).empty()) continue;
    const nlohmann::json parsed =
        nlohmann::json::parse(line, nullptr, /*allow_exceptions=*/false);
    auto problem = parsed.is_object() ? parsed.find("problem") : parsed.end();
    auto answer = parsed.is_object() ? parsed.find("answer") : parsed.end();
    if (!parsed.is_object() || problem == parsed.end() ||
        !problem->is_string() || answer == parsed.end() ||
        !answer->is_string()) {
      return absl::InvalidArgumentError(absl::StrCat(
          path, ":", line_number,
          ": expected {\"problem\": \"...\", \"answer\": \"...\"}"));
    }
    out.push_back({problem->get<std::string>(), answer->get<std::string>()});
  }
  if (out.empty()) {
    return absl::InvalidArgumentError(absl::StrCat(path, ": no problems"));
  }
  return out;
}

}  // namespace arts::task
