#include "backends/openai/answer_rule.h"

#include <re2/re2.h>

#include <utility>

#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"

namespace arts::backends::openai {

absl::StatusOr<AnswerRule> AnswerRule::Make(const std::string& pattern) {
  RE2::Options options;
  options.set_log_errors(false);
  auto re = std::make_unique<RE2>(pattern, options);
  if (!re->ok()) {
    return absl::InvalidArgumentError(
        absl::StrCat("not a regular expression (RE2): ", re->error()));
  }
  if (re->NumberOfCapturingGroups() > 1) {
    return absl::InvalidArgumentError(
        absl::StrCat("at most one capturing group (the answer), got ",
                     re->NumberOfCapturingGroups()));
  }
  return AnswerRule(std::move(re));
}

AnswerRule::AnswerRule(std::unique_ptr<re2::RE2> re) : re_(std::move(re)) {}
AnswerRule::~AnswerRule() = default;
AnswerRule::AnswerRule(AnswerRule&&) noexcept = default;
AnswerRule& AnswerRule::operator=(AnswerRule&&) noexcept = default;

const std::string& AnswerRule::pattern() const { return re_->pattern(); }

std::optional<std::string> AnswerRule::FinalAnswer(
    absl::string_view step) const {
  re2::StringPiece match[2];
  const int groups = re_->NumberOfCapturingGroups();
  if (!re_->Match(re2::StringPiece(step.data(), step.size()), 0, step.size(),
                  RE2::UNANCHORED, match, groups + 1)) {
    return std::nullopt;
  }
  return std::string(absl::StripAsciiWhitespace(
      absl::string_view(match[groups].data(), match[groups].size())));
}

}  // namespace arts::backends::openai
