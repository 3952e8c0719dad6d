#ifndef ARTS_CORE_IO_ETA_H_
#define ARTS_CORE_IO_ETA_H_

namespace arts::io {

// Minutes left of a run that has done `done` of `total` units (steps,
// epochs, trees) in `elapsed_minutes`, at the rate so far, and that stops
// at `max_minutes` (0: no limit) if that comes first: the sooner of the
// two ends, never negative. 0 before any unit is done and no limit is set.
double EtaMinutes(double elapsed_minutes, double done, double total,
                  double max_minutes = 0);

}  // namespace arts::io

#endif  // ARTS_CORE_IO_ETA_H_
