#include "core/verifier/trace_encoder.h"

#include <utility>

#include "absl/strings/str_cat.h"
#include "core/countdown/problem.h"
#include "core/io/read_file.h"
#include "core/text/sentencepiece_model.h"

namespace arts::verifier {
namespace {

constexpr char kTokenizerKey[] = "tokenizer";
constexpr char kSentencePieceKey[] = "sentencepiece_model";

class CharacterEncoder final : public TraceEncoder {
 public:
  const std::string& task() const override { return task_; }
  int vocab_size() const override { return tokenizer_.vocab_size(); }
  absl::StatusOr<EncodedTrace> Encode(const TraceRef& trace, int max_len,
                                      size_t index) const override {
    return EncodeTrace(trace, tokenizer_, max_len, index);
  }
  void AddTo(std::map<std::string, std::string>&) const override {}

 private:
  const std::string task_ = countdown::kTaskName;
  const model::Tokenizer tokenizer_;
};

class SentencePieceEncoder final : public TraceEncoder {
 public:
  static constexpr int64_t kPad = 0, kBos = 1, kEnd = 2, kFirstPiece = 3;

  explicit SentencePieceEncoder(std::unique_ptr<text::SentencePieceModel> sp)
      : sp_(std::move(sp)) {}

  const std::string& task() const override { return task_; }
  int vocab_size() const override {
    return static_cast<int>(kFirstPiece) + sp_->piece_count();
  }
  absl::StatusOr<EncodedTrace> Encode(const TraceRef& trace, int max_len,
                                      size_t index) const override {
    EncodedTrace out;
    out.text = model::Tokenizer::TraceText(trace.problem, trace.steps);
    out.tokens.push_back(kBos);
    auto add = [&](const std::string& segment) {
      for (int piece : sp_->Encode(segment)) {
        out.tokens.push_back(kFirstPiece + piece);
      }
      out.tokens.push_back(kEnd);
      out.boundaries.push_back(static_cast<int64_t>(out.tokens.size()) - 1);
    };
    add(trace.problem);
    out.text_ends.push_back(trace.problem.size() + 1);
    for (const std::string& step : trace.steps) {
      add(step);
      out.text_ends.push_back(out.text_ends.back() + step.size() + 1);
    }
    if (static_cast<int>(out.tokens.size()) > max_len) {
      return absl::InvalidArgumentError(
          absl::StrCat("traces[", index, "]: ", out.tokens.size(),
                       " tokens, more than the verifier's ", max_len));
    }
    return out;
  }
  void AddTo(std::map<std::string, std::string>& metadata) const override {
    metadata[kTokenizerKey] = "sentencepiece";
    metadata[kSentencePieceKey] = sp_->serialized();
  }

 private:
  const std::string task_ = "text";
  std::unique_ptr<text::SentencePieceModel> sp_;
};

}  // namespace

std::shared_ptr<const TraceEncoder> CountdownCharacters() {
  static const auto* encoder =
      new std::shared_ptr<const TraceEncoder>(new CharacterEncoder());
  return *encoder;
}

absl::StatusOr<std::shared_ptr<const TraceEncoder>> SubwordEncoder(
    const std::string& sentencepiece_model) {
  std::string error;
  std::unique_ptr<text::SentencePieceModel> sp =
      text::SentencePieceModel::FromSerialized(sentencepiece_model, &error);
  if (sp == nullptr) return absl::InvalidArgumentError(error);
  return std::shared_ptr<const TraceEncoder>(
      new SentencePieceEncoder(std::move(sp)));
}

absl::StatusOr<std::shared_ptr<const TraceEncoder>> SubwordEncoderFromFile(
    const std::string& path) {
  absl::StatusOr<std::string> bytes = io::ReadWholeFile(path);
  if (!bytes.ok()) return bytes.status();
  absl::StatusOr<std::shared_ptr<const TraceEncoder>> encoder =
      SubwordEncoder(*bytes);
  if (!encoder.ok()) {
    return absl::InvalidArgumentError(
        absl::StrCat(path, ": ", encoder.status().message()));
  }
  return encoder;
}

absl::StatusOr<std::shared_ptr<const TraceEncoder>> EncoderFromMetadata(
    const std::map<std::string, std::string>& metadata) {
  auto tokenizer = metadata.find(kTokenizerKey);
  if (tokenizer == metadata.end()) return CountdownCharacters();
  if (tokenizer->second != "sentencepiece") {
    return absl::DataLossError(
        absl::StrCat("unknown tokenizer '", tokenizer->second, "'"));
  }
  auto model = metadata.find(kSentencePieceKey);
  if (model == metadata.end()) {
    return absl::DataLossError("a sentencepiece tokenizer without its model");
  }
  absl::StatusOr<std::shared_ptr<const TraceEncoder>> encoder =
      SubwordEncoder(model->second);
  if (!encoder.ok()) {
    return absl::DataLossError(absl::StrCat("the checkpoint's tokenizer: ",
                                            encoder.status().message()));
  }
  return encoder;
}

absl::StatusOr<EncodedTrace> EncodeTrace(const TraceRef& trace,
                                         const model::Tokenizer& tokenizer,
                                         int max_len, size_t index) {
  EncodedTrace out;
  out.text = model::Tokenizer::TraceText(trace.problem, trace.steps);
  absl::StatusOr<std::vector<int>> tokens = tokenizer.Encode(out.text);
  if (!tokens.ok()) {
    return absl::InvalidArgumentError(
        absl::StrCat("traces[", index, "]: ", tokens.status().message()));
  }
  out.tokens.push_back(model::Tokenizer::kBos);
  const int newline = tokenizer.TokenOf('\n');
  for (int token : *tokens) {
    out.tokens.push_back(token);
    if (token == newline) {
      out.boundaries.push_back(static_cast<int64_t>(out.tokens.size()) - 1);
      // Token i is text[i - 1]: this prefix is text[0, boundary].
      out.text_ends.push_back(static_cast<size_t>(out.boundaries.back()));
    }
  }
  if (static_cast<int>(out.tokens.size()) > max_len) {
    return absl::InvalidArgumentError(
        absl::StrCat("traces[", index, "]: ", out.tokens.size(),
                     " characters, more than the verifier's ", max_len));
  }
  return out;
}

}  // namespace arts::verifier
