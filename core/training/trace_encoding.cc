#include "core/training/trace_encoding.h"

namespace arts::training {

void EncodeOwnedText(const std::string& text, const std::vector<bool>& own,
                     const model::Tokenizer& tokenizer,
                     std::vector<int64_t>& inputs,
                     std::vector<int64_t>& targets) {
  inputs.push_back(model::Tokenizer::kBos);
  for (size_t i = 0; i < text.size(); ++i) {
    const int token = tokenizer.TokenOf(text[i]);
    targets.push_back(own[i] ? token : -100);
    if (i + 1 < text.size()) inputs.push_back(token);
  }
}

}  // namespace arts::training
