// POSIX semaphores, unnamed (sem_init) and named (sem_open). Recorded as
// weft::semaphore records: sem.acquired / sem.released carry the value
// after the operation, a wait that blocks is sem.acquire.begin first, a
// try or timed wait that fails is sem.acquire.failed. The value is weft's
// own count beside the semaphore, started from sem_init's value (or
// sem_getvalue for a semaphore first seen elsewhere), so it is exact for
// the operations the program makes through these calls.
#include <fcntl.h>
#include <semaphore.h>

#include <cstdarg>

#include "deadlines.hpp"
#include "lock_events.hpp"
#include "real.hpp"
#include "scheduled.hpp"

namespace weft::preload {
namespace {

constexpr auto kKind = format::ObjectKind::Semaphore;

// The semaphore's own value is read only at first sight (after init or
// open, or for one first used before weft was there): from then on weft's
// count beside it follows every operation.
bool begin_sem(object_call& c, sem_t* s, const void* ra) noexcept {
  c.b = detail::current_buffer();
  c.site = site_of(ra);
  c.e = find_entry(s);
  if (c.e == nullptr) return false;
  int value = 0;
  const bool first_sight = c.e->parties.load(std::memory_order_relaxed) == 0;
  if (first_sight) next.sem_getvalue.get()(s, &value);
  c.object = object_of(*c.e, s, kKind, c.site, c.b, static_cast<std::uint64_t>(value));
  if (first_sight && c.e->parties.exchange(1, std::memory_order_relaxed) == 0)
    c.e->value.store(value, std::memory_order_relaxed);
  return true;
}

void record_acquired(object_call& c, std::uint8_t flags) noexcept {
  const std::int64_t after = c.e->value.fetch_sub(1, std::memory_order_relaxed) - 1;
  c.record(format::EventKind::SemAcquired, c.e->seq.fetch_add(1, std::memory_order_relaxed),
           static_cast<std::uint64_t>(after < 0 ? 0 : after), flags);
}

// Under the scheduler, the blocking part of a wait: tries waited for on
// the semaphore's address (which sem_post wakes), until `until` if given.
// As sem_wait returns: 0, or -1 with errno ETIMEDOUT. A cancellation
// point, as sem_wait is: each try first acts on a cancel (one that
// pthread_cancel woke it for: explore/cancellation.hpp).
int scheduled_sem_wait(sem_t* s, const std::optional<virtual_time>& until) {
  const auto try_wait = [s] {
    pthread_testcancel();
    return next.sem_trywait.get()(s) == 0 ? 0 : EBUSY;
  };
  if (scheduled_lock(s, until, try_wait) == 0) return 0;
  errno = ETIMEDOUT;
  return -1;
}

template <class Block>
int acquire(sem_t* s, const void* ra, bool timed, bool refused, Block&& block) {
  // A cancellation point that acts even where it need not wait, as glibc's
  // (POSIX: "shall occur"): before the try below, which is none.
  if (!refused) pthread_testcancel();
  const busy_scope busy;
  object_call c;
  if (!begin_sem(c, s, ra)) return block();
  std::uint8_t flags = timed ? format::kFlagTimed : 0;
  if (refused) {  // deadlines.hpp: before the permit is tried, which the refused call would not take
    c.record(format::EventKind::SemAcquireFailed, format::kNoSeq, 0, flags | format::kFlagRejected);
    if (!scheduled_object(s)) return block();
    errno = EINVAL;
    return -1;
  }
  int rc = next.sem_trywait.get()(s);
  if (rc != 0 && errno == EAGAIN) {
    c.record(format::EventKind::SemAcquireBegin, format::kNoSeq, 0, flags);
    {
      const detail::blocked_scope blocked(format::EventKind::SemAcquireBegin, c.object, timed, nullptr,
                                          watchdog_external(*c.e));
      rc = block();
    }
    flags |= format::kFlagContended;
  }
  if (rc == 0) {
    record_acquired(c, flags);
  } else {
    const int saved = errno;
    c.record(format::EventKind::SemAcquireFailed, format::kNoSeq, 0, timed ? format::kFlagTimed : 0);
    errno = saved;
  }
  return rc;
}

}  // namespace
}  // namespace weft::preload

using namespace weft::preload;
using weft::format::ObjectKind;

extern "C" {

int sem_init(sem_t* s, int pshared, unsigned value) noexcept {
  const int rc = next.sem_init.get()(s, pshared, value);
  if (rc == 0) renew(s, ObjectKind::Semaphore, pshared != 0, __builtin_return_address(0), never_in_use);
  return rc;
}

int sem_destroy(sem_t* s) noexcept {
  record_end(s, __builtin_return_address(0), never_in_use);
  return next.sem_destroy.get()(s);
}

int sem_wait(sem_t* s) {
  WEFT_PASS_THROUGH_UNLESS_RECORDING(next.sem_wait.get()(s));
  return acquire(s, __builtin_return_address(0), false, false,
                 [s] { return scheduled_object(s) ? scheduled_sem_wait(s, std::nullopt) : next.sem_wait.get()(s); });
}

int sem_timedwait(sem_t* s, const struct timespec* t) {
  WEFT_PASS_THROUGH_UNLESS_RECORDING(next.sem_timedwait.get()(s, t));
  return acquire(s, __builtin_return_address(0), true, refused_deadline(t), [s, t] {
    return scheduled_object(s) ? scheduled_sem_wait(s, virtual_deadline(CLOCK_REALTIME, t)) : next.sem_timedwait.get()(s, t);
  });
}

int sem_clockwait(sem_t* s, clockid_t clock, const struct timespec* t) {
  WEFT_PASS_THROUGH_UNLESS_RECORDING(next.sem_clockwait.get()(s, clock, t));
  return acquire(s, __builtin_return_address(0), true, refused_deadline(clock, t), [s, clock, t] {
    return scheduled_object(s) ? scheduled_sem_wait(s, virtual_deadline(clock, t)) : next.sem_clockwait.get()(s, clock, t);
  });
}

int sem_trywait(sem_t* s) noexcept {
  WEFT_PASS_THROUGH_UNLESS_RECORDING(next.sem_trywait.get()(s));
  const busy_scope busy;
  object_call c;
  if (!begin_sem(c, s, __builtin_return_address(0))) return next.sem_trywait.get()(s);
  const int rc = next.sem_trywait.get()(s);
  if (rc == 0) {
    record_acquired(c, weft::format::kFlagTry);
  } else {
    const int saved = errno;
    c.record(weft::format::EventKind::SemAcquireFailed, weft::format::kNoSeq, 0, weft::format::kFlagTry);
    errno = saved;
  }
  return rc;
}

int sem_post(sem_t* s) noexcept {
  WEFT_PASS_THROUGH_UNLESS_RECORDING(next.sem_post.get()(s));
  const busy_scope busy;
  object_call c;
  if (begin_sem(c, s, __builtin_return_address(0))) {
    // Before the native post, so the release precedes the acquire it allows
    // in the semaphore's order.
    const std::int64_t after = c.e->value.fetch_add(1, std::memory_order_relaxed) + 1;
    c.record(weft::format::EventKind::SemReleased, c.e->seq.fetch_add(1, std::memory_order_relaxed),
             static_cast<std::uint64_t>(after));
  }
  const int rc = next.sem_post.get()(s);
  if (scheduled()) weft::detail::explore::released(s);
  return rc;
}

// Named semaphores: sem_open's variadic tail (mode, value) only with O_CREAT.
sem_t* sem_open(const char* name, int oflag, ...) noexcept {
  mode_t mode = 0;
  unsigned value = 0;
  if (oflag & O_CREAT) {
    va_list ap;
    va_start(ap, oflag);
    mode = static_cast<mode_t>(va_arg(ap, unsigned));
    value = va_arg(ap, unsigned);
    va_end(ap);
  }
  sem_t* s = next.sem_open.get()(name, oflag, mode, value);
  // A named semaphore is for other processes; its first use names it, with
  // the value it has then.
  if (s != SEM_FAILED) renew(s, ObjectKind::Semaphore, true, __builtin_return_address(0), never_in_use);
  return s;
}

int sem_close(sem_t* s) noexcept {
  record_end(s, __builtin_return_address(0), never_in_use);
  return next.sem_close.get()(s);
}

}  // extern "C"
