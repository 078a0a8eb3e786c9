// The deadlines the C library refuses. glibc checks a timed wait's deadline
// before anything else and returns EINVAL, neither waiting nor taking
// anything, when its tv_nsec is outside [0, 1e9) or (the *clockwait calls)
// its clock is neither CLOCK_REALTIME nor CLOCK_MONOTONIC. The wrappers
// must do the same (a semaphore's wrapper tries the permit first, which the
// refused call would not take) and record the refusal: a deadline whose
// nanoseconds overflowed is a classic bug, a wait loop that spins.
#pragma once

#include <ctime>

namespace weft::preload {

inline bool refused_deadline(const struct timespec* t) noexcept {
  return t != nullptr && (t->tv_nsec < 0 || t->tv_nsec >= 1000000000);
}

// A *clockwait or *clocklock call's clock that glibc refuses.
inline bool refused_clock(clockid_t clock) noexcept { return clock != CLOCK_REALTIME && clock != CLOCK_MONOTONIC; }

inline bool refused_deadline(clockid_t clock, const struct timespec* t) noexcept {
  return refused_deadline(t) || (t != nullptr && refused_clock(clock));
}

}  // namespace weft::preload
