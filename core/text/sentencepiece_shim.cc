// The SentencePiece shim: a shared module with a C interface over Debian's
// libsentencepiece, loaded by sentencepiece_model.cc with dlopen(RTLD_LOCAL
// | RTLD_DEEPBIND). Why: libsentencepiece.so.0 exports its own bundled copy
// of protobuf-lite, which, linked into a process with Debian's
// libprotobuf.so.32 (gRPC's), interposes on it and crashes the process
// while protobuf initializes. Loaded locally and bound deeply, the library
// and its protobuf copy stay private to this module. A deeply bound library
// must not write to std::cerr (it would reach libstdc++'s own, never
// initialized copy rather than the program's), so SentencePiece's logging
// is turned off before any call.
#include <sentencepiece_processor.h>
#include <sentencepiece_trainer.h>

#include <cstring>
#include <string>
#include <vector>

// Exported by libsentencepiece, not declared in its public headers.
namespace sentencepiece::logging {
void SetMinLogLevel(int level);
}  // namespace sentencepiece::logging

namespace {

void SetError(const std::string& message, char* error, size_t error_size) {
  if (error_size == 0) return;
  const size_t n = std::min(message.size(), error_size - 1);
  std::memcpy(error, message.data(), n);
  error[n] = '\0';
}

class Sentences : public sentencepiece::SentenceIterator {
 public:
  Sentences(const char* const* sentences, const size_t* lengths, size_t count)
      : sentences_(sentences), lengths_(lengths), count_(count) {
    Load();
  }
  bool done() const override { return i_ >= count_; }
  void Next() override {
    ++i_;
    Load();
  }
  const std::string& value() const override { return value_; }
  sentencepiece::util::Status status() const override {
    return sentencepiece::util::Status();
  }

 private:
  void Load() {
    if (i_ < count_) value_.assign(sentences_[i_], lengths_[i_]);
  }
  const char* const* sentences_;
  const size_t* lengths_;
  size_t count_;
  size_t i_ = 0;
  std::string value_;
};

}  // namespace

extern "C" {

__attribute__((visibility("default"))) void* arts_sp_load(const char* bytes,
                                                          size_t size,
                                                          char* error,
                                                          size_t error_size) {
  sentencepiece::logging::SetMinLogLevel(4);
  auto* sp = new sentencepiece::SentencePieceProcessor();
  const auto status =
      sp->LoadFromSerializedProto(std::string_view(bytes, size));
  if (!status.ok()) {
    SetError(status.ToString(), error, error_size);
    delete sp;
    return nullptr;
  }
  return sp;
}

__attribute__((visibility("default"))) void arts_sp_free(void* sp) {
  delete static_cast<sentencepiece::SentencePieceProcessor*>(sp);
}

__attribute__((visibility("default"))) int arts_sp_piece_count(void* sp) {
  return static_cast<sentencepiece::SentencePieceProcessor*>(sp)
      ->GetPieceSize();
}

// Writes up to `capacity` ids; returns how many the text has.
__attribute__((visibility("default"))) int arts_sp_encode(void* sp,
                                                          const char* text,
                                                          size_t size, int* ids,
                                                          int capacity) {
  std::vector<int> out;
  static_cast<sentencepiece::SentencePieceProcessor*>(sp)
      ->Encode(std::string_view(text, size), &out)
      .IgnoreError();
  for (int i = 0; i < capacity && i < static_cast<int>(out.size()); ++i) {
    ids[i] = out[i];
  }
  return static_cast<int>(out.size());
}

// Trains a model; on success *model (free with arts_sp_free_bytes) holds
// its serialized bytes and 0 is returned.
__attribute__((visibility("default"))) int arts_sp_train(
    const char* args, const char* const* sentences, const size_t* lengths,
    size_t count, char** model, size_t* model_size, char* error,
    size_t error_size) {
  sentencepiece::logging::SetMinLogLevel(4);  // above FATAL: nothing
  Sentences iterator(sentences, lengths, count);
  std::string serialized;
  const auto status =
      sentencepiece::SentencePieceTrainer::Train(args, &iterator, &serialized);
  if (!status.ok()) {
    SetError(status.ToString(), error, error_size);
    return 1;
  }
  *model = new char[serialized.size()];
  std::memcpy(*model, serialized.data(), serialized.size());
  *model_size = serialized.size();
  return 0;
}

__attribute__((visibility("default"))) void arts_sp_free_bytes(char* bytes) {
  delete[] bytes;
}

}  // extern "C"
