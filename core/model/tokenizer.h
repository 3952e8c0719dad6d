#ifndef ARTS_CORE_MODEL_TOKENIZER_H_
#define ARTS_CORE_MODEL_TOKENIZER_H_

#include <array>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"

namespace arts::model {

// Character tokens for the Countdown trace language. Token 0 pads, token 1
// starts a sequence; the rest are the characters that traces use.
class Tokenizer {
 public:
  static constexpr int kPad = 0;
  static constexpr int kBos = 1;
  // Characters in token order, starting at token 2. Stored in checkpoints so
  // that a model trained with another alphabet is rejected.
  static constexpr absl::string_view kAlphabet = "\n 0123456789+-*/=():>left";

  Tokenizer();
  int vocab_size() const { return static_cast<int>(kAlphabet.size()) + 2; }

  // Fails on a character outside the alphabet, naming it.
  absl::StatusOr<std::vector<int>> Encode(absl::string_view text) const;
  int TokenOf(char c) const { return token_of_[static_cast<unsigned char>(c)]; }
  char CharOf(int token) const;

  // The text a model reads for a trace: BOS, problem, then each finished
  // step, each line ending in a newline.
  static std::string TraceText(absl::string_view problem,
                               const std::vector<std::string>& steps);

 private:
  std::array<int, 256> token_of_;
};

}  // namespace arts::model

#endif  // ARTS_CORE_MODEL_TOKENIZER_H_
