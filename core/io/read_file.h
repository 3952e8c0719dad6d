#ifndef ARTS_CORE_IO_READ_FILE_H_
#define ARTS_CORE_IO_READ_FILE_H_

#include <string>

#include "absl/status/statusor.h"

namespace arts::io {

// The whole of the file at `path`, byte for byte; NotFound "cannot read
// PATH" when it cannot be opened.
absl::StatusOr<std::string> ReadWholeFile(const std::string& path);

}  // namespace arts::io

#endif  // ARTS_CORE_IO_READ_FILE_H_
