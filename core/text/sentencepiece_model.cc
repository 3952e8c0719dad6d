#include "core/text/sentencepiece_model.h"

#include <dlfcn.h>
#include <unistd.h>

#include <cstdlib>
#include <mutex>
#include <utility>

namespace arts::text {
namespace {

// The shim's functions (core/text/sentencepiece_shim.cc), loaded once.
struct Shim {
  void* (*load)(const char*, size_t, char*, size_t) = nullptr;
  void (*free_model)(void*) = nullptr;
  int (*piece_count)(void*) = nullptr;
  int (*encode)(void*, const char*, size_t, int*, int) = nullptr;
  int (*train)(const char*, const char* const*, const size_t*, size_t, char**,
               size_t*, char*, size_t) = nullptr;
  void (*free_bytes)(char*) = nullptr;
  std::string error;  // why it could not be loaded
};

// Where the shim may be: $ARTS_SENTENCEPIECE_SHIM, beside the executable,
// then where this build put it.
std::vector<std::string> ShimPaths() {
  std::vector<std::string> paths;
  if (const char* env = std::getenv("ARTS_SENTENCEPIECE_SHIM")) {
    paths.push_back(env);
  }
  char exe[4096];
  const ssize_t n = readlink("/proc/self/exe", exe, sizeof(exe) - 1);
  if (n > 0) {
    std::string dir(exe, static_cast<size_t>(n));
    dir = dir.substr(0, dir.rfind('/'));
    paths.push_back(dir + "/" + kSentencePieceShimName);
  }
  paths.push_back(ARTS_SENTENCEPIECE_SHIM_PATH);
  return paths;
}

// Loads the shim where its protobuf-lite copy stays private: locally and
// bound deeply (sentencepiece_shim.cc says why). The sanitizer runtimes
// refuse RTLD_DEEPBIND (github.com/google/sanitizers/issues/611), and
// without it the two protobufs collide, so the asan and tsan builds load
// the shim, built uninstrumented there, into a link namespace of its own.
void* OpenShim(const std::string& path) {
#if defined(__SANITIZE_ADDRESS__) || defined(__SANITIZE_THREAD__)
  return dlmopen(LM_ID_NEWLM, path.c_str(), RTLD_NOW | RTLD_LOCAL);
#else
  return dlopen(path.c_str(), RTLD_NOW | RTLD_LOCAL | RTLD_DEEPBIND);
#endif
}

const Shim& LoadShim() {
  static const Shim* shim = [] {
    auto* s = new Shim();
    void* handle = nullptr;
    std::string tried;
    for (const std::string& path : ShimPaths()) {
      handle = OpenShim(path);
      if (handle != nullptr) break;
      tried += (tried.empty() ? "" : "; ") + std::string(dlerror());
    }
    if (handle == nullptr) {
      s->error = "cannot load the SentencePiece shim (" + tried +
                 "); set ARTS_SENTENCEPIECE_SHIM to its path";
      return s;
    }
    auto get = [&](const char* name, auto& fn) {
      fn = reinterpret_cast<std::remove_reference_t<decltype(fn)>>(
          dlsym(handle, name));
      if (fn == nullptr) s->error = std::string("the shim lacks ") + name;
    };
    get("arts_sp_load", s->load);
    get("arts_sp_free", s->free_model);
    get("arts_sp_piece_count", s->piece_count);
    get("arts_sp_encode", s->encode);
    get("arts_sp_train", s->train);
    get("arts_sp_free_bytes", s->free_bytes);
    return s;
  }();
  return *shim;
}

}  // namespace

struct SentencePieceModel::Processor {
  void* sp = nullptr;
  ~Processor() {
    if (sp != nullptr) LoadShim().free_model(sp);
  }
};

SentencePieceModel::SentencePieceModel(std::unique_ptr<Processor> processor,
                                       std::string bytes)
    : processor_(std::move(processor)), serialized_(std::move(bytes)) {}

SentencePieceModel::~SentencePieceModel() = default;

std::unique_ptr<SentencePieceModel> SentencePieceModel::FromSerialized(
    const std::string& bytes, std::string* error) {
  const Shim& shim = LoadShim();
  if (!shim.error.empty()) {
    *error = shim.error;
    return nullptr;
  }
  char message[512] = {};
  auto processor = std::make_unique<Processor>();
  processor->sp =
      shim.load(bytes.data(), bytes.size(), message, sizeof(message));
  if (processor->sp == nullptr) {
    *error = std::string("not a SentencePiece model: ") + message;
    return nullptr;
  }
  if (shim.piece_count(processor->sp) < 1) {
    *error = "a SentencePiece model with no pieces";
    return nullptr;
  }
  return std::unique_ptr<SentencePieceModel>(
      new SentencePieceModel(std::move(processor), bytes));
}

std::string SentencePieceModel::Train(const std::vector<std::string>& sentences,
                                      int vocab_size, std::string* error) {
  const Shim& shim = LoadShim();
  if (!shim.error.empty()) {
    *error = shim.error;
    return "";
  }
  // Digits one piece each; no BOS/EOS pieces (the verifier adds its own
  // markers); a single thread, so the model depends only on the sentences.
  const std::string args =
      "--model_type=unigram --vocab_size=" + std::to_string(vocab_size) +
      " --character_coverage=1.0 --split_digits=true --bos_id=-1 --eos_id=-1"
      " --unk_id=0 --pad_id=-1 --hard_vocab_limit=false"
      " --minloglevel=2 --num_threads=1";
  std::vector<const char*> data;
  std::vector<size_t> lengths;
  for (const std::string& s : sentences) {
    data.push_back(s.data());
    lengths.push_back(s.size());
  }
  char* model = nullptr;
  size_t size = 0;
  char message[512] = {};
  if (shim.train(args.c_str(), data.data(), lengths.data(), data.size(), &model,
                 &size, message, sizeof(message)) != 0) {
    *error = message;
    return "";
  }
  std::string out(model, size);
  shim.free_bytes(model);
  return out;
}

std::vector<int> SentencePieceModel::Encode(const std::string& text) const {
  const Shim& shim = LoadShim();
  std::vector<int> ids(text.size() + 8);
  int n = shim.encode(processor_->sp, text.data(), text.size(), ids.data(),
                      static_cast<int>(ids.size()));
  if (n > static_cast<int>(ids.size())) {
    ids.resize(n);
    n = shim.encode(processor_->sp, text.data(), text.size(), ids.data(), n);
  }
  ids.resize(n);
  return ids;
}

int SentencePieceModel::piece_count() const {
  return LoadShim().piece_count(processor_->sp);
}

}  // namespace arts::text
