// The futex: recorded, and under weft's controlled scheduler, scheduled.
//
// libstdc++ waits with it where pthreads are not involved: std::future
// (std::async, promises), std::atomic::wait, std::counting_semaphore,
// std::latch and std::barrier all call syscall(SYS_futex, ...). weft record
// records each wait as atomic.wait.begin ... atomic.wait.end on the word
// (an object of kind atomic, named like any other: `done` for a global
// std::latch, `atomic@main.cpp:12` for one on the heap or the stack) and
// each wake as atomic.wake with the number of waiters the kernel woke; the
// watchdog sees the wait, so a program stuck on a latch that never opens is
// stopped as the hang it is instead of waiting forever.
//
// Under the scheduler a futex wait would block the thread holding the turn
// in the kernel; it waits on the futex's address instead (explore.hpp), and
// a futex wake wakes that address. Every other system call, every other
// futex operation, and every futex call from weft's own threads passes
// straight on.
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

#include "lock_events.hpp"
#include "real.hpp"
#include "scheduled.hpp"
#include "shared_mappings.hpp"

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

bool is_wait(int command) noexcept { return command == FUTEX_WAIT || command == FUTEX_WAIT_BITSET; }
bool is_wake(int command) noexcept { return command == FUTEX_WAKE || command == FUTEX_WAKE_BITSET; }

// The call itself: through the scheduler when it runs the program, else
// the kernel's.
long futex_call(const long (&a)[6], bool under_scheduler) noexcept {
  if (under_scheduler) {
    bool handled = false;
    const long rc = futex_under_scheduler(reinterpret_cast<std::uint32_t*>(a[0]), static_cast<int>(a[1]),
                                          static_cast<std::uint32_t>(a[2]),
                                          reinterpret_cast<const struct timespec*>(a[3]), handled);
    if (handled) return rc;
  }
  return next.syscall.get()(SYS_futex, a[0], a[1], a[2], a[3], a[4], a[5]);
}

format::AtomicWaitResult wait_result(long rc, int err) noexcept {
  if (rc == 0) return format::AtomicWaitResult::Woken;
  if (err == ETIMEDOUT) return format::AtomicWaitResult::Timeout;
  if (err == EAGAIN) return format::AtomicWaitResult::Changed;
  return format::AtomicWaitResult::Interrupted;
}

// Whether another process may end a wait on the word: looked up in the
// process's mappings once per object (`count`, reset with the object: 0 not
// yet, 1 private, 2 shared).
bool word_external(sync_entry& e, const void* word) noexcept {
  std::uint32_t known = e.count.load(std::memory_order_relaxed);
  if (known == 0) {
    known = in_shared_mapping(word) ? 2 : 1;
    e.process_shared.store(known == 2, std::memory_order_relaxed);
    e.count.store(known, std::memory_order_relaxed);
  }
  return known == 2;
}

// A wait or a wake of the program's, recorded around the call. The events
// go without the scheduler's hook: the wait is already a point where the
// scheduler chooses (explore::block), and a wake is not one where another
// thread could see anything new.
long recorded_futex(const long (&a)[6], const void* ra, bool under_scheduler) noexcept {
  const busy_scope busy;
  const int op = static_cast<int>(a[1]);
  object_call c;
  if (!begin_call(c, reinterpret_cast<const void*>(a[0]), format::ObjectKind::AtomicWord, ra))
    return futex_call(a, under_scheduler);
  if (is_wake(op & FUTEX_CMD_MASK)) {
    // Stamped when it was asked for, written with what the kernel answered.
    const std::uint64_t asked = detail::now();
    const long rc = futex_call(a, under_scheduler);
    const int err = errno;
    detail::emit_stamped(c.b, asked, static_cast<std::uint8_t>(format::EventKind::AtomicWake), c.object,
                         format::kNoSeq, rc > 0 ? static_cast<std::uint64_t>(rc) : 0, c.site, 0);
    errno = err;
    return rc;
  }
  const bool timed = a[3] != 0;
  detail::emit_interned(c.b, static_cast<std::uint8_t>(format::EventKind::AtomicWaitBegin), c.object, format::kNoSeq,
                        timed ? 1 : 0, c.site);
  long rc = 0;
  int err = 0;
  {
    const detail::blocked_scope blocked(format::EventKind::AtomicWaitBegin, c.object, timed, nullptr,
                                        word_external(*c.e, reinterpret_cast<const void*>(a[0])));
    rc = futex_call(a, under_scheduler);
    err = errno;
  }
  detail::emit_interned(c.b, static_cast<std::uint8_t>(format::EventKind::AtomicWaitEnd), c.object, format::kNoSeq,
                        static_cast<std::uint64_t>(wait_result(rc, err)), c.site);
  errno = err;
  return rc;
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
  if (is_raw_fork(number, a)) return raw_fork(number, a, __builtin_return_address(0));
  if (number == SYS_futex) {
    const int command = static_cast<int>(a[1]) & FUTEX_CMD_MASK;
    if ((is_wait(command) || is_wake(command)) && recording())
      return recorded_futex(a, __builtin_return_address(0), scheduled());
    if (scheduled_program_call()) return futex_call(a, true);
  }
  return next.syscall.get()(number, a[0], a[1], a[2], a[3], a[4], a[5]);
}
