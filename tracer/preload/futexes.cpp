// The futex, under weft's controlled scheduler. libstdc++ waits with it
// where pthreads are not involved: std::future (std::async, promises),
// std::atomic::wait, std::counting_semaphore, std::latch and std::barrier
// all call syscall(SYS_futex, ...). A futex wait would block the thread
// holding the turn in the kernel; under the scheduler it waits on the
// futex's address instead (explore.hpp), and a futex wake wakes that
// address. Every other system call, and every futex call outside the
// scheduler or from weft's own threads, passes straight on.
//
// A futex wait may return early (a spurious wake-up): every caller checks
// its word again and waits again, so waking all waiters of an address for
// a wake of one is correct, only less thrifty.
#include <linux/futex.h>
#include <sys/syscall.h>
#include <time.h>

#include <cerrno>
#include <cstdarg>
#include <cstdint>

#include "real.hpp"
#include "scheduled.hpp"

namespace weft::preload {
namespace {

constexpr long kNsPerSecond = 1'000'000'000;

long futex_under_scheduler(std::uint32_t* word, int op, std::uint32_t value, const struct timespec* timeout,
                           bool& handled) noexcept {
  const int command = op & FUTEX_CMD_MASK;
  handled = true;
  switch (command) {
    case FUTEX_WAIT:
    case FUTEX_WAIT_BITSET: {
      if (__atomic_load_n(word, __ATOMIC_ACQUIRE) != value) {
        errno = EAGAIN;
        return -1;
      }
      std::optional<virtual_time> until;
      if (timeout != nullptr)
        until = command == FUTEX_WAIT  // relative; WAIT_BITSET's is absolute
                    ? virtual_after(timeout->tv_sec * kNsPerSecond + timeout->tv_nsec)
                    : virtual_deadline((op & FUTEX_CLOCK_REALTIME) ? CLOCK_REALTIME : CLOCK_MONOTONIC, timeout);
      const busy_scope busy;
      if (!detail::explore::block(word, until)) {
        errno = ETIMEDOUT;
        return -1;
      }
      return 0;
    }
    case FUTEX_WAKE:
    case FUTEX_WAKE_BITSET: {
      const busy_scope busy;
      detail::explore::wake(word, true);
      handled = false;  // and the kernel's wake too, for a waiter the scheduler does not hold
      return 0;
    }
    default:
      handled = false;
      return 0;
  }
}

}  // namespace
}  // namespace weft::preload

using namespace weft::preload;

extern "C" long syscall(long number, ...) noexcept {
  // As glibc's own syscall(): six arguments, whatever the call takes.
  va_list ap;
  va_start(ap, number);
  long a[6];
  for (long& x : a) x = va_arg(ap, long);
  va_end(ap);
  if (number == SYS_futex && scheduled_program_call()) {
    bool handled = false;
    const long rc = futex_under_scheduler(reinterpret_cast<std::uint32_t*>(a[0]), static_cast<int>(a[1]),
                                          static_cast<std::uint32_t>(a[2]),
                                          reinterpret_cast<const struct timespec*>(a[3]), handled);
    if (handled) return rc;
  }
  return next.syscall.get()(number, a[0], a[1], a[2], a[3], a[4], a[5]);
}
