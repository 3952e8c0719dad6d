#ifndef ARTS_CORE_IO_DEFAULT_PATHS_H_
#define ARTS_CORE_IO_DEFAULT_PATHS_H_

#include <string>

#include "absl/strings/string_view.h"

namespace arts::io {

// One rule for where the bundled files are, wherever a binary is run from:
// the directory in $ARTS_MODELS_DIR (or $ARTS_DATA_DIR) when it is set,
// else the one this build was configured with (the checkout's models/ and
// ../shared/data/game24/), as an absolute path.

// The bundled model `file`, e.g. DefaultModelPath("generator.ckpt").
std::string DefaultModelPath(absl::string_view file);

// The Game-of-24 data file, 24.csv.
std::string DefaultGame24Path();

}  // namespace arts::io

#endif  // ARTS_CORE_IO_DEFAULT_PATHS_H_
