#include "core/io/read_file.h"

#include <fstream>
#include <sstream>

#include "absl/strings/str_cat.h"

namespace arts::io {

absl::StatusOr<std::string> ReadWholeFile(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return absl::NotFoundError(absl::StrCat("cannot read ", path));
  std::ostringstream bytes;
  bytes << in.rdbuf();
  return bytes.str();
}

}  // namespace arts::io
