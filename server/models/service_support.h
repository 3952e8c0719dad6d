#ifndef ARTS_SERVER_MODELS_SERVICE_SUPPORT_H_
#define ARTS_SERVER_MODELS_SERVICE_SUPPORT_H_

#include <cstdint>
#include <map>
#include <string>

#include "arts/v1/common.pb.h"

namespace arts::server {

// GetModelInfo's answer for a loaded model.
void FillModelInfo(const std::string& kind, const std::string& path,
                   int64_t num_parameters,
                   const std::map<std::string, std::string>& metadata,
                   arts::v1::ModelInfo* info);

}  // namespace arts::server

#endif  // ARTS_SERVER_MODELS_SERVICE_SUPPORT_H_
