#include "core/io/eta.h"

#include <algorithm>

namespace arts::io {

double EtaMinutes(double elapsed_minutes, double done, double total,
                  double max_minutes) {
  double left = 0;
  if (done > 0 && total > done) left = elapsed_minutes / done * (total - done);
  if (max_minutes > 0) {
    const double to_limit = std::max(0.0, max_minutes - elapsed_minutes);
    left = done > 0 && total > done ? std::min(left, to_limit) : to_limit;
    if (total <= done) left = 0;
  }
  return std::max(0.0, left);
}

}  // namespace arts::io
