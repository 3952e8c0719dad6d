#ifndef ARTS_CORE_TRAINING_SNAPSHOTS_H_
#define ARTS_CORE_TRAINING_SNAPSHOTS_H_

#include <cstdint>
#include <string>

namespace arts::training {

// Where a trainer writing `output` leaves the snapshot of `step`:
// OUTPUT.stepN, beside the final checkpoint.
std::string SnapshotPath(const std::string& output, int64_t step);

struct Snapshot {
  int64_t step = 0;  // 0: none
  std::string path;
};

// The newest snapshot a run of at most `steps` steps left at `output`, to
// resume from (step 0 when there is none).
Snapshot NewestSnapshot(const std::string& output, int64_t steps);

}  // namespace arts::training

#endif  // ARTS_CORE_TRAINING_SNAPSHOTS_H_
