#include "server/models/service_support.h"

namespace arts::server {

void FillModelInfo(const std::string& kind, const std::string& path,
                   int64_t num_parameters,
                   const std::map<std::string, std::string>& metadata,
                   arts::v1::ModelInfo* info) {
  info->set_kind(kind);
  info->set_path(path);
  info->set_num_parameters(num_parameters);
  for (const auto& [key, value] : metadata) {
    (*info->mutable_metadata())[key] = value;
  }
}

}  // namespace arts::server
