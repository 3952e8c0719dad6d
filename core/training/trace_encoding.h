#ifndef ARTS_CORE_TRAINING_TRACE_ENCODING_H_
#define ARTS_CORE_TRAINING_TRACE_ENCODING_H_

#include <cstdint>
#include <string>
#include <vector>

#include "core/model/tokenizer.h"

namespace arts::training {

// Inputs and next-token targets of one trace text for teacher forcing:
// inputs are BOS and the text but its last character, targets the text,
// with -100 (ignored) wherever `own` is false, i.e. wherever the model did
// not write the character (the problem, the calculator's completions).
void EncodeOwnedText(const std::string& text, const std::vector<bool>& own,
                     const model::Tokenizer& tokenizer,
                     std::vector<int64_t>& inputs,
                     std::vector<int64_t>& targets);

}  // namespace arts::training

#endif  // ARTS_CORE_TRAINING_TRACE_ENCODING_H_
