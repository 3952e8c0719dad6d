#include "core/model/checkpoint.h"

#include <cstdio>
#include <cstring>
#include <fstream>
#include <iterator>
#include <set>
#include <sstream>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "core/io/atomic_file.h"
#include "core/model/fnv1a.h"

namespace arts::model {
namespace {

constexpr char kMagic[8] = {'A', 'R', 'T', 'S', 'C', 'K', 'P', 'T'};
constexpr uint32_t kMaxString = 1 << 20;
constexpr uint32_t kMaxEntries = 1 << 16;
constexpr uint32_t kMaxDims = 8;

class Writer {
 public:
  template <typename T>
  void Put(T value) {
    out_.append(reinterpret_cast<const char*>(&value), sizeof(T));
  }
  void PutString(const std::string& s) {
    Put<uint32_t>(static_cast<uint32_t>(s.size()));
    out_.append(s);
  }
  void PutBytes(const void* data, size_t size) {
    out_.append(static_cast<const char*>(data), size);
  }
  std::string& bytes() { return out_; }

 private:
  std::string out_;
};

// Reads from a byte buffer; every read reports what it was reading so that a
// truncated file says where it ends.
class Reader {
 public:
  Reader(const std::string& path, const std::string& bytes)
      : path_(path), bytes_(bytes) {}

  template <typename T>
  absl::StatusOr<T> Get(absl::string_view what) {
    T value{};
    if (absl::Status s = Take(&value, sizeof(T), what); !s.ok()) return s;
    return value;
  }
  absl::StatusOr<std::string> GetString(absl::string_view what) {
    absl::StatusOr<uint32_t> size = Get<uint32_t>(what);
    if (!size.ok()) return size.status();
    if (*size > kMaxString)
      return Error(absl::StrCat(what, " is implausibly long"));
    std::string s(*size, '\0');
    if (absl::Status st = Take(s.data(), *size, what); !st.ok()) return st;
    return s;
  }
  absl::Status Take(void* out, size_t size, absl::string_view what) {
    if (bytes_.size() - pos_ < size) {
      return Error(absl::StrCat("truncated while reading ", what));
    }
    // An empty tensor's data pointer may be null, which memcpy may not get
    // even for no bytes (found by checkpoint_fuzz under UBSan).
    if (size == 0) return absl::OkStatus();
    std::memcpy(out, bytes_.data() + pos_, size);
    pos_ += size;
    return absl::OkStatus();
  }
  size_t remaining() const { return bytes_.size() - pos_; }
  absl::Status Error(absl::string_view why) const {
    return absl::DataLossError(absl::StrCat("checkpoint ", path_, ": ", why));
  }

 private:
  const std::string& path_;
  const std::string& bytes_;
  size_t pos_ = 0;
};

std::string ShapeString(c10::IntArrayRef shape) {
  return absl::StrCat("[", absl::StrJoin(shape, ","), "]");
}

}  // namespace

absl::Status SaveCheckpoint(const std::string& path,
                            const Checkpoint& checkpoint) {
  Writer w;
  w.PutBytes(kMagic, sizeof(kMagic));
  w.Put<uint32_t>(kCheckpointFormatVersion);
  w.PutString(checkpoint.kind);
  w.Put<uint32_t>(static_cast<uint32_t>(checkpoint.metadata.size()));
  for (const auto& [key, value] : checkpoint.metadata) {
    w.PutString(key);
    w.PutString(value);
  }
  w.Put<uint32_t>(static_cast<uint32_t>(checkpoint.tensors.size()));
  for (const auto& [name, tensor] : checkpoint.tensors) {
    torch::Tensor t = tensor.detach().to(torch::kFloat32).contiguous().cpu();
    w.PutString(name);
    w.Put<uint32_t>(static_cast<uint32_t>(t.dim()));
    for (int64_t d : t.sizes()) w.Put<int64_t>(d);
    w.PutBytes(t.data_ptr<float>(), t.numel() * sizeof(float));
  }
  w.Put<uint64_t>(Fnv1a(w.bytes().data(), w.bytes().size()));

  return io::WriteFileAtomically(
      path, absl::string_view(w.bytes().data(), w.bytes().size()));
}

absl::StatusOr<Checkpoint> LoadCheckpoint(const std::string& path,
                                          const std::string& expected_kind) {
  std::ifstream in(path, std::ios::binary);
  if (!in) {
    return absl::NotFoundError(
        absl::StrCat("checkpoint ", path, ": cannot open (missing file?)"));
  }
  const std::string bytes((std::istreambuf_iterator<char>(in)),
                          std::istreambuf_iterator<char>());
  return ParseCheckpoint(path, bytes, expected_kind);
}

absl::StatusOr<Checkpoint> ParseCheckpoint(const std::string& path,
                                           const std::string& bytes,
                                           const std::string& expected_kind) {
  Reader r(path, bytes);
  char magic[sizeof(kMagic)];
  if (!r.Take(magic, sizeof(magic), "the header").ok() ||
      std::memcmp(magic, kMagic, sizeof(kMagic)) != 0) {
    return r.Error("not an ARTS checkpoint (bad magic bytes)");
  }
  absl::StatusOr<uint32_t> version = r.Get<uint32_t>("the format version");
  if (!version.ok()) return version.status();
  if (*version != kCheckpointFormatVersion) {
    return r.Error(absl::StrCat("format version ", *version,
                                " is not supported (this build reads version ",
                                kCheckpointFormatVersion, ")"));
  }
  if (bytes.size() < sizeof(uint64_t)) return r.Error("truncated");
  uint64_t stored_sum;
  std::memcpy(&stored_sum, bytes.data() + bytes.size() - sizeof(uint64_t),
              sizeof(uint64_t));
  const bool checksum_ok =
      Fnv1a(bytes.data(), bytes.size() - sizeof(uint64_t)) == stored_sum;

  Checkpoint checkpoint;
  absl::StatusOr<std::string> kind = r.GetString("the model kind");
  if (!kind.ok()) return kind.status();
  checkpoint.kind = *kind;
  absl::StatusOr<uint32_t> num_meta = r.Get<uint32_t>("the metadata count");
  if (!num_meta.ok()) return num_meta.status();
  if (*num_meta > kMaxEntries) return r.Error("implausible metadata count");
  for (uint32_t i = 0; i < *num_meta; ++i) {
    absl::StatusOr<std::string> key = r.GetString("a metadata key");
    if (!key.ok()) return key.status();
    absl::StatusOr<std::string> value =
        r.GetString(absl::StrCat("metadata '", *key, "'"));
    if (!value.ok()) return value.status();
    checkpoint.metadata[*key] = *value;
  }
  absl::StatusOr<uint32_t> num_tensors = r.Get<uint32_t>("the tensor count");
  if (!num_tensors.ok()) return num_tensors.status();
  if (*num_tensors > kMaxEntries) return r.Error("implausible tensor count");
  for (uint32_t i = 0; i < *num_tensors; ++i) {
    absl::StatusOr<std::string> name = r.GetString("a tensor name");
    if (!name.ok()) return name.status();
    const std::string what = absl::StrCat("tensor '", *name, "'");
    absl::StatusOr<uint32_t> dims = r.Get<uint32_t>(what);
    if (!dims.ok()) return dims.status();
    if (*dims > kMaxDims)
      return r.Error(absl::StrCat(what, " has too many dimensions"));
    std::vector<int64_t> shape;
    int64_t numel = 1;
    for (uint32_t d = 0; d < *dims; ++d) {
      absl::StatusOr<int64_t> size = r.Get<int64_t>(what);
      if (!size.ok()) return size.status();
      if (*size < 0 || *size > (int64_t{1} << 31)) {
        return r.Error(absl::StrCat(what, " has a bad shape"));
      }
      shape.push_back(*size);
      numel *= *size;
      if (numel > (int64_t{1} << 31))
        return r.Error(absl::StrCat(what, " is too large"));
    }
    // The file must hold the data before any is allocated: a corrupt shape
    // must not ask for gigabytes.
    if (static_cast<uint64_t>(numel) * sizeof(float) > r.remaining()) {
      return r.Error(absl::StrCat(
          "truncated while reading ", what, " (", ShapeString(shape), " needs ",
          numel * sizeof(float), " bytes, ", r.remaining(), " left)"));
    }
    torch::Tensor t = torch::empty(shape, torch::kFloat32);
    if (absl::Status s =
            r.Take(t.data_ptr<float>(), numel * sizeof(float), what);
        !s.ok()) {
      return s;
    }
    checkpoint.tensors[*name] = t;
  }
  if (!checksum_ok) {
    return r.Error(
        "checksum mismatch: the file is corrupt; re-copy or retrain it");
  }
  if (checkpoint.kind != expected_kind) {
    return r.Error(absl::StrCat("holds a '", checkpoint.kind,
                                "' model, but a '", expected_kind,
                                "' model was expected"));
  }
  return checkpoint;
}

void StoreModule(torch::nn::Module& module, Checkpoint& checkpoint) {
  for (const auto& p : module.named_parameters()) {
    checkpoint.tensors[p.key()] = p.value();
  }
  for (const auto& b : module.named_buffers()) {
    checkpoint.tensors[b.key()] = b.value();
  }
}

absl::Status RestoreModule(const Checkpoint& checkpoint,
                           const std::string& path, torch::nn::Module& module) {
  torch::NoGradGuard no_grad;
  std::set<std::string> used;
  auto restore = [&](const std::string& name,
                     torch::Tensor& target) -> absl::Status {
    auto it = checkpoint.tensors.find(name);
    if (it == checkpoint.tensors.end()) {
      return absl::DataLossError(
          absl::StrCat("checkpoint ", path, ": missing tensor '", name, "'"));
    }
    if (it->second.sizes() != target.sizes()) {
      return absl::DataLossError(
          absl::StrCat("checkpoint ", path, ": tensor '", name, "' has shape ",
                       ShapeString(it->second.sizes()), ", the model expects ",
                       ShapeString(target.sizes())));
    }
    target.copy_(it->second);
    used.insert(name);
    return absl::OkStatus();
  };
  for (auto& p : module.named_parameters()) {
    if (absl::Status s = restore(p.key(), p.value()); !s.ok()) return s;
  }
  for (auto& b : module.named_buffers()) {
    if (absl::Status s = restore(b.key(), b.value()); !s.ok()) return s;
  }
  for (const auto& [name, tensor] : checkpoint.tensors) {
    if (used.count(name) == 0) {
      return absl::DataLossError(absl::StrCat("checkpoint ", path,
                                              ": unexpected tensor '", name,
                                              "' (a different architecture?)"));
    }
  }
  return absl::OkStatus();
}

}  // namespace arts::model
