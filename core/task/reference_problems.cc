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
    const std::string where = absl::StrCat(path, ":", line_number, ": ");
    if (parsed.is_discarded() || !parsed.is_object()) {
      return absl::InvalidArgumentError(absl::StrCat(
          where, parsed.is_discarded() ? "not JSON" : "not a JSON object",
          "; expected {\"problem\": \"...\", \"answer\": \"...\"}"));
    }
    for (const char* field : {"problem", "answer"}) {
      auto value = parsed.find(field);
      if (value == parsed.end()) {
        return absl::InvalidArgumentError(
            absl::StrCat(where, field, ": missing"));
      }
      if (!value->is_string()) {
        return absl::InvalidArgumentError(
            absl::StrCat(where, field, ": must be a string, got ",
                         value->type_name(), " (write it in quotes)"));
      }
    }
    out.push_back({parsed["problem"].get<std::string>(),
                   parsed["answer"].get<std::string>(), line_number});
  }
  if (out.empty()) {
    return absl::InvalidArgumentError(absl::StrCat(path, ": no problems"));
  }
  return out;
}

}  // namespace arts::task
