#ifndef ARTS_CORE_IO_ATOMIC_FILE_H_
#define ARTS_CORE_IO_ATOMIC_FILE_H_

#include <string>

#include "absl/status/status.h"
#include "absl/strings/string_view.h"

namespace arts::io {

// Writes `contents` to `path` through `path.tmp` and a rename, so readers
// see the old file or the new one, never half of one.
absl::Status WriteFileAtomically(const std::string& path,
                                 absl::string_view contents);

}  // namespace arts::io

#endif  // ARTS_CORE_IO_ATOMIC_FILE_H_
