#ifndef ARTS_CORE_BACKEND_DEFAULT_TASK_H_
#define ARTS_CORE_BACKEND_DEFAULT_TASK_H_

namespace arts::backend {

// The task a call means when it names none: the contract's default
// (proto/arts/v1, `task` unset), the bundled Countdown domain. Its own name
// is countdown::kTaskName; core/backend sits below core/countdown, so the
// word is spelled here once more.
inline constexpr char kDefaultTask[] = "countdown";

}  // namespace arts::backend

#endif  // ARTS_CORE_BACKEND_DEFAULT_TASK_H_
