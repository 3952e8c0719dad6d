#ifndef ARTS_SERVER_MODELS_SERVICE_SUPPORT_H_
#define ARTS_SERVER_MODELS_SERVICE_SUPPORT_H_

#include <cstddef>
#include <cstdint>
#include <map>
#include <string>

#include "arts/v1/common.pb.h"

namespace arts::server {

// The longest metadata value GetModelInfo sends as it is.
inline constexpr size_t kMaxModelInfoValueBytes = 4096;

// GetModelInfo's answer for a loaded model. A metadata value that is not
// UTF-8 or is longer than kMaxModelInfoValueBytes is sent as "(N bytes)".
void FillModelInfo(const std::string& kind, const std::string& path,
                   int64_t num_parameters,
                   const std::map<std::string, std::string>& metadata,
                   arts::v1::ModelInfo* info);

}  // namespace arts::server

#endif  // ARTS_SERVER_MODELS_SERVICE_SUPPORT_H_
