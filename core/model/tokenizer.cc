#include "core/model/tokenizer.h"

#include "absl/status/status.h"
#include "absl/strings/escaping.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"

namespace arts::model {

Tokenizer::Tokenizer() {
  token_of_.fill(-1);
  for (size_t i = 0; i < kAlphabet.size(); ++i) {
    token_of_[static_cast<unsigned char>(kAlphabet[i])] =
        static_cast<int>(i) + 2;
  }
}

absl::StatusOr<std::vector<int>> Tokenizer::Encode(
    absl::string_view text) const {
  std::vector<int> tokens;
  tokens.reserve(text.size());
  for (char c : text) {
    int t = TokenOf(c);
    if (t < 0) {
      return absl::InvalidArgumentError(
          absl::StrFormat("character %s is not in the model's alphabet",
                          absl::CHexEscape(std::string(1, c))));
    }
    tokens.push_back(t);
  }
  return tokens;
}

char Tokenizer::CharOf(int token) const {
  if (token < 2 || token >= vocab_size()) return '?';
  return kAlphabet[token - 2];
}

std::string Tokenizer::TraceText(absl::string_view problem,
                                 const std::vector<std::string>& steps) {
  std::string text = absl::StrCat(problem, "\n");
  for (const std::string& step : steps) absl::StrAppend(&text, step, "\n");
  return text;
}

}  // namespace arts::model
