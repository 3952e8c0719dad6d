#ifndef ARTS_CORE_TEXT_SENTENCEPIECE_MODEL_H_
#define ARTS_CORE_TEXT_SENTENCEPIECE_MODEL_H_

#include <memory>
#include <string>
#include <vector>

namespace arts::text {

// The shim's file name.
inline constexpr char kSentencePieceShimName[] = "libarts_sentencepiece.so";

// A SentencePiece subword model (Debian's libsentencepiece): trained here on
// traces' text or loaded from a user's `.model` file, and kept as its
// serialized bytes, so that a checkpoint can carry it.
//
// libsentencepiece is reached through a shim module loaded on first use
// (core/text/sentencepiece_shim.cc says why): ARTS_SENTENCEPIECE_SHIM names
// it, or it is beside the executable, or where the build put it. Errors are
// strings (a missing shim among them).
class SentencePieceModel {
 public:
  ~SentencePieceModel();
  SentencePieceModel(const SentencePieceModel&) = delete;
  SentencePieceModel& operator=(const SentencePieceModel&) = delete;

  // From a serialized model (a `.model` file's bytes); null with `error`
  // set when the bytes are not one.
  static std::unique_ptr<SentencePieceModel> FromSerialized(
      const std::string& bytes, std::string* error);

  // Trains a unigram model of `vocab_size` pieces on `sentences` (one
  // sentence each, e.g. a problem or a step). Returns the serialized model,
  // or "" with `error` set.
  static std::string Train(const std::vector<std::string>& sentences,
                           int vocab_size, std::string* error);

  // The piece ids of `text`, each 0 to piece_count() - 1.
  std::vector<int> Encode(const std::string& text) const;
  int piece_count() const;
  const std::string& serialized() const { return serialized_; }

 private:
  struct Processor;
  SentencePieceModel(std::unique_ptr<Processor> processor, std::string bytes);
  std::unique_ptr<Processor> processor_;
  std::string serialized_;
};

}  // namespace arts::text

#endif  // ARTS_CORE_TEXT_SENTENCEPIECE_MODEL_H_
