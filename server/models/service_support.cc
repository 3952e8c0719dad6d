#include "server/models/service_support.h"

#include <google/protobuf/stubs/common.h>

#include "absl/strings/str_cat.h"

namespace arts::server {

void FillModelInfo(const std::string& kind, const std::string& path,
                   int64_t num_parameters,
                   const std::map<std::string, std::string>& metadata,
                   arts::v1::ModelInfo* info) {
  info->set_kind(kind);
  info->set_path(path);
  info->set_num_parameters(num_parameters);
  for (const auto& [key, value] : metadata) {
    // Binary or bulky entries (a text verifier's SentencePiece model) are
    // named by their size: ModelInfo describes, it does not ship the model.
    (*info->mutable_metadata())[key] =
        value.size() <= kMaxModelInfoValueBytes &&
                google::protobuf::internal::IsStructurallyValidUTF8(
                    value.data(), static_cast<int>(value.size()))
            ? value
            : absl::StrCat("(", value.size(), " bytes)");
  }
}

}  // namespace arts::server
