#ifndef ARTS_CORE_VERIFIER_TRACE_ENCODER_H_
#define ARTS_CORE_VERIFIER_TRACE_ENCODER_H_

#include <cstddef>
#include <cstdint>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "core/backend/scorer.h"
#include "core/model/tokenizer.h"

namespace arts::verifier {

using backend::TraceRef;

// One trace encoded for scoring.
struct EncodedTrace {
  std::string text;                 // problem and steps, each line ending \n
  std::vector<int64_t> tokens;      // BOS, then the text
  std::vector<int64_t> boundaries;  // token index of each prefix's end
  // Where each prefix ends in `text` (its newline included): the prefix
  // cache's key for prefix k is text[0, text_ends[k]).
  std::vector<size_t> text_ends;
};

// How a text verifier network reads a trace: tokens from BOS through the
// problem and each step, and the position where each prefix ends (after the
// problem, after every step), where the network's output is that prefix's
// log F. A prefix's tokens are always the start of its extensions' tokens,
// which the prefix cache relies on. Stored in the checkpoint's metadata.
class TraceEncoder {
 public:
  virtual ~TraceEncoder() = default;
  // The task whose traces it reads: "countdown" or "text".
  virtual const std::string& task() const = 0;
  virtual int vocab_size() const = 0;
  // Errors name the trace as traces[index], e.g. one longer than max_len.
  virtual absl::StatusOr<EncodedTrace> Encode(const TraceRef& trace,
                                              int max_len,
                                              size_t index) const = 0;
  // What a checkpoint's metadata needs to rebuild it (EncoderFromMetadata).
  virtual void AddTo(std::map<std::string, std::string>& metadata) const = 0;
};

// Countdown's characters (model::Tokenizer), the bundled models' encoding:
// a newline ends each prefix.
std::shared_ptr<const TraceEncoder> CountdownCharacters();

// Subwords of a SentencePiece model (serialized bytes), for the `text` task:
// token 0 pads, 1 begins, 2 ends a prefix; piece p is token 3 + p. The
// problem and each step are encoded on their own, each followed by token 2.
absl::StatusOr<std::shared_ptr<const TraceEncoder>> SubwordEncoder(
    const std::string& sentencepiece_model);

// The same from a `.model` file: NotFound "cannot read PATH", or
// InvalidArgument when the bytes are not a SentencePiece model.
absl::StatusOr<std::shared_ptr<const TraceEncoder>> SubwordEncoderFromFile(
    const std::string& path);

// The encoder a checkpoint was trained with: Countdown's characters when the
// metadata names none (the bundled checkpoints), else the SentencePiece
// model it carries.
absl::StatusOr<std::shared_ptr<const TraceEncoder>> EncoderFromMetadata(
    const std::map<std::string, std::string>& metadata);

// Countdown's character encoding of one trace (CountdownCharacters()).
absl::StatusOr<EncodedTrace> EncodeTrace(const TraceRef& trace,
                                         const model::Tokenizer& tokenizer,
                                         int max_len, size_t index);

}  // namespace arts::verifier

#endif  // ARTS_CORE_VERIFIER_TRACE_ENCODER_H_
