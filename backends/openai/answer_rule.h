#ifndef ARTS_BACKENDS_OPENAI_ANSWER_RULE_H_
#define ARTS_BACKENDS_OPENAI_ANSWER_RULE_H_

#include <memory>
#include <optional>
#include <string>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"

namespace re2 {
class RE2;
}

namespace arts::backends::openai {

// How a step of free text says that the trace is complete: it matches a
// regular expression (RE2 syntax, searched anywhere in the step), whose
// first capturing group, if it has one, is the final answer; without a
// group, the whole match is. E.g. "(?i)answer:\s*(.+)" reads
// "So the answer: 42" as terminal with answer "42".
class AnswerRule {
 public:
  // InvalidArgument naming the problem: a pattern RE2 rejects, or one with
  // more than one capturing group.
  static absl::StatusOr<AnswerRule> Make(const std::string& pattern);
  ~AnswerRule();
  AnswerRule(AnswerRule&&) noexcept;
  AnswerRule& operator=(AnswerRule&&) noexcept;

  // The final answer when `step` ends the trace (whitespace trimmed), else
  // nullopt.
  std::optional<std::string> FinalAnswer(absl::string_view step) const;

  const std::string& pattern() const;

 private:
  explicit AnswerRule(std::unique_ptr<re2::RE2> re);
  std::unique_ptr<re2::RE2> re_;
};

}  // namespace arts::backends::openai

#endif  // ARTS_BACKENDS_OPENAI_ANSWER_RULE_H_
