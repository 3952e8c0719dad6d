#include "core/io/default_paths.h"

#include <cstdlib>

#include "absl/strings/str_cat.h"

namespace arts::io {
namespace {

std::string DirFromEnv(const char* variable, const char* built_in) {
  const char* value = std::getenv(variable);
  return value != nullptr && *value != '\0' ? value : built_in;
}

}  // namespace

std::string DefaultModelPath(absl::string_view file) {
  return absl::StrCat(DirFromEnv("ARTS_MODELS_DIR", ARTS_MODELS_DIR), "/",
                      file);
}

std::string DefaultGame24Path() {
  return absl::StrCat(DirFromEnv("ARTS_DATA_DIR", ARTS_DATA_DIR), "/24.csv");
}

}  // namespace arts::io
