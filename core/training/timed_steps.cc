#include "core/training/timed_steps.h"

#include <algorithm>
#include <chrono>

#include "absl/strings/str_format.h"
#include "core/io/eta.h"

namespace arts::training {

absl::Status RunTimedSteps(
    const TimedStepsOptions& options,
    const std::function<absl::StatusOr<double>()>& train_step,
    const std::function<absl::StatusOr<double>()>& validation_loss,
    const SaveCheckpoint& save, std::ostream& log) {
  const auto start = std::chrono::steady_clock::now();
  auto minutes = [&] {
    return std::chrono::duration<double>(std::chrono::steady_clock::now() -
                                         start)
               .count() /
           60;
  };
  auto validate_and_save = [&](int64_t step) -> absl::Status {
    absl::StatusOr<double> loss = validation_loss();
    if (!loss.ok()) return loss.status();
    log << absl::StrFormat("step %d validation loss %.4f elapsed %.1fmin\n",
                           step, *loss, minutes())
        << std::flush;
    return save(step, *loss);
  };
  const int64_t total = options.steps_per_epoch * options.epochs;
  double sum = 0;
  int64_t count = 0;
  for (int64_t step = 1; step <= total; ++step) {
    absl::StatusOr<double> loss = train_step();
    if (!loss.ok()) return loss.status();
    sum += *loss;
    ++count;
    if (options.log_every > 0 && step % options.log_every == 0) {
      log << absl::StrFormat(
                 "epoch %d step %d/%d train loss %.4f (%.2f s/step, elapsed "
                 "%.1fmin, eta %.1fmin)\n",
                 1 + (step - 1) / options.steps_per_epoch, step, total,
                 sum / count, minutes() * 60 / step, minutes(),
                 io::EtaMinutes(minutes(), static_cast<double>(step),
                                static_cast<double>(total),
                                options.max_minutes))
          << std::flush;
      sum = 0;
      count = 0;
    }
    if (options.max_minutes > 0 && minutes() >= options.max_minutes) {
      return validate_and_save(step);
    }
    if (options.validate_every > 0 && step % options.validate_every == 0 &&
        step < total) {
      if (absl::Status s = validate_and_save(step); !s.ok()) return s;
    }
  }
  return validate_and_save(total);
}

absl::StatusOr<double> MeanOverBatches(
    size_t count, size_t batch,
    const std::function<absl::StatusOr<double>(size_t begin, size_t end)>&
        loss) {
  double total = 0;
  size_t batches = 0;
  for (size_t begin = 0; begin < count; begin += batch) {
    absl::StatusOr<double> value = loss(begin, std::min(count, begin + batch));
    if (!value.ok()) return value.status();
    total += *value;
    ++batches;
  }
  return total / std::max<size_t>(1, batches);
}

}  // namespace arts::training
