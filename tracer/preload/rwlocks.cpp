// pthread reader-writer locks (std::shared_mutex is one): the writer side
// records the mutex kinds, the reader side mutex.*_shared, as
// weft::shared_mutex does, so readers holding together are no order edge
// and no deadlock, and writer/reader cycles are.
//
// pthread_rwlock_unlock serves both sides: the caller is releasing the write
// lock when it holds it, else one of its read locks. Which read locks a
// thread holds is kept per thread (a short list: read locks are few at a
// time), which also tells a write lock asked for by a reader of the same
// lock: glibc would wait for itself forever.
#include <pthread.h>

#include <algorithm>
#include <array>

#include "deadlines.hpp"
#include "lock_events.hpp"
#include "real.hpp"
#include "scheduled.hpp"

namespace weft::preload {
namespace {

constexpr std::size_t kMaxReadHolds = 32;
struct read_holds {
  std::array<const void*, kMaxReadHolds> locks{};
  std::size_t n = 0;
  bool holds(const void* l) const noexcept { return std::find(locks.begin(), locks.begin() + n, l) != locks.begin() + n; }
  void add(const void* l) noexcept {
    if (n < kMaxReadHolds) locks[n++] = l;
  }
  bool remove(const void* l) noexcept {
    for (std::size_t i = n; i-- > 0;)
      if (locks[i] == l) {
        locks[i] = locks[--n];
        return true;
      }
    return false;
  }
};
thread_local read_holds t_read_holds __attribute__((tls_model("initial-exec")));

constexpr auto kKind = format::ObjectKind::SharedMutex;

// A timed call's absolute timeout and its clock; `at` null: untimed.
struct timeout {
  const struct timespec* at = nullptr;
  clockid_t clock = CLOCK_REALTIME;
};

// The blocking part of a lock: the native call, or under the scheduler
// tries waited for on the lock's address (which unlock wakes).
template <class Try, class Block>
int block_on(pthread_rwlock_t* l, const timeout& to, Try& try_lock, Block& block) {
  if (!scheduled_object(l)) return block();
  std::optional<virtual_time> until;
  if (to.at != nullptr) until = virtual_deadline(to.clock, to.at);
  return scheduled_lock(l, until, try_lock);
}

// A deadline glibc refuses (deadlines.hpp) it refuses before trying the
// lock: recorded as refused, and EINVAL (the native call returns it; the
// scheduled path must not try the lock).
template <class Block>
int refuse(object_call& c, pthread_rwlock_t* l, Block& block) {
  c.record(format::EventKind::MutexTryFailed, format::kNoSeq, 0, format::kFlagTimed | format::kFlagRejected);
  return scheduled_object(l) ? EINVAL : block();
}

template <class Try, class Block>
int write_lock(pthread_rwlock_t* l, const void* ra, timeout to, Try&& try_lock, Block&& block) {
  const bool timed = to.at != nullptr;
  const busy_scope busy;
  object_call c;
  if (!begin_call(c, l, kKind, ra)) return block();
  if (timed && refused_deadline(to.clock, to.at)) return refuse(c, l, block);
  int rc = try_lock();
  std::uint8_t flags = timed ? format::kFlagTimed : 0;
  if (rc == EBUSY) {
    // A reader asking to write waits for itself; glibc returns EDEADLK to a
    // writer asking again, which the program is told.
    const bool self_deadlock = t_read_holds.holds(l) && !timed;
    rc = block_for_lock(c, timed, self_deadlock, [&] { return block_on(l, to, try_lock, block); });
    flags |= format::kFlagContended;
  }
  if (rc == 0)
    record_exclusive_acquired(c, flags);
  else
    c.record(format::EventKind::MutexTryFailed, format::kNoSeq, 0, timed ? format::kFlagTimed : 0);
  return rc;
}

void record_read_acquired(object_call& c, const void* l, std::uint8_t flags) noexcept {
  const std::uint32_t holders = c.e->count.fetch_add(1, std::memory_order_relaxed) + 1;
  t_read_holds.add(l);
  c.record(format::EventKind::MutexAcquiredShared, c.e->seq.fetch_add(1, std::memory_order_relaxed), holders, flags);
}

template <class Try, class Block>
int read_lock(pthread_rwlock_t* l, const void* ra, timeout to, Try&& try_lock, Block&& block) {
  const bool timed = to.at != nullptr;
  const busy_scope busy;
  object_call c;
  if (!begin_call(c, l, kKind, ra)) return block();
  if (timed && refused_deadline(to.clock, to.at)) return refuse(c, l, block);
  int rc = try_lock();
  std::uint8_t flags = timed ? format::kFlagTimed : 0;
  if (rc == EBUSY) {
    c.record(format::EventKind::MutexLockSharedBegin, format::kNoSeq, 0, flags);
    const detail::blocked_scope blocked(format::EventKind::MutexLockSharedBegin, c.object, timed, &c.e->owner,
                                        watchdog_external(*c.e));
    rc = block_on(l, to, try_lock, block);
    flags |= format::kFlagContended;
  }
  if (rc == 0)
    record_read_acquired(c, l, flags);
  else
    c.record(format::EventKind::MutexTrySharedFailed, format::kNoSeq, 0, timed ? format::kFlagTimed : 0);
  return rc;
}

// Held by a writer or by readers: destroying or initialising the lock
// again then is undefined behaviour.
bool held(const sync_entry& e) noexcept {
  return e.owner.load(std::memory_order_relaxed) != 0 || e.count.load(std::memory_order_relaxed) != 0;
}

}  // namespace
}  // namespace weft::preload

using namespace weft::preload;
using weft::format::ObjectKind;
using weft::format::EventKind;

extern "C" {

int pthread_rwlock_init(pthread_rwlock_t* l, const pthread_rwlockattr_t* attr) noexcept {
  const int rc = next.pthread_rwlock_init.get()(l, attr);
  int pshared = PTHREAD_PROCESS_PRIVATE;
  if (attr != nullptr) pthread_rwlockattr_getpshared(attr, &pshared);
  if (rc == 0) renew(l, ObjectKind::SharedMutex, pshared == PTHREAD_PROCESS_SHARED, __builtin_return_address(0), held);
  return rc;
}

int pthread_rwlock_destroy(pthread_rwlock_t* l) noexcept {
  record_end(l, __builtin_return_address(0), held);
  return next.pthread_rwlock_destroy.get()(l);
}

int pthread_rwlock_wrlock(pthread_rwlock_t* l) noexcept {
  WEFT_PASS_THROUGH_UNLESS_RECORDING(next.pthread_rwlock_wrlock.get()(l));
  return write_lock(
      l, __builtin_return_address(0), timeout{}, [l] { return next.pthread_rwlock_trywrlock.get()(l); },
      [l] { return next.pthread_rwlock_wrlock.get()(l); });
}

int pthread_rwlock_timedwrlock(pthread_rwlock_t* l, const struct timespec* t) noexcept {
  WEFT_PASS_THROUGH_UNLESS_RECORDING(next.pthread_rwlock_timedwrlock.get()(l, t));
  return write_lock(
      l, __builtin_return_address(0), timeout{t}, [l] { return next.pthread_rwlock_trywrlock.get()(l); },
      [l, t] { return next.pthread_rwlock_timedwrlock.get()(l, t); });
}

int pthread_rwlock_clockwrlock(pthread_rwlock_t* l, clockid_t clock, const struct timespec* t) noexcept {
  WEFT_PASS_THROUGH_UNLESS_RECORDING(next.pthread_rwlock_clockwrlock.get()(l, clock, t));
  return write_lock(
      l, __builtin_return_address(0), timeout{t, clock}, [l] { return next.pthread_rwlock_trywrlock.get()(l); },
      [l, clock, t] { return next.pthread_rwlock_clockwrlock.get()(l, clock, t); });
}

int pthread_rwlock_trywrlock(pthread_rwlock_t* l) noexcept {
  WEFT_PASS_THROUGH_UNLESS_RECORDING(next.pthread_rwlock_trywrlock.get()(l));
  const busy_scope busy;
  object_call c;
  if (!begin_call(c, l, kKind, __builtin_return_address(0))) return next.pthread_rwlock_trywrlock.get()(l);
  const int rc = next.pthread_rwlock_trywrlock.get()(l);
  if (rc == 0)
    record_exclusive_acquired(c, weft::format::kFlagTry);
  else
    c.record(EventKind::MutexTryFailed, weft::format::kNoSeq, 0, weft::format::kFlagTry);
  return rc;
}

int pthread_rwlock_rdlock(pthread_rwlock_t* l) noexcept {
  WEFT_PASS_THROUGH_UNLESS_RECORDING(next.pthread_rwlock_rdlock.get()(l));
  return read_lock(
      l, __builtin_return_address(0), timeout{}, [l] { return next.pthread_rwlock_tryrdlock.get()(l); },
      [l] { return next.pthread_rwlock_rdlock.get()(l); });
}

int pthread_rwlock_timedrdlock(pthread_rwlock_t* l, const struct timespec* t) noexcept {
  WEFT_PASS_THROUGH_UNLESS_RECORDING(next.pthread_rwlock_timedrdlock.get()(l, t));
  return read_lock(
      l, __builtin_return_address(0), timeout{t}, [l] { return next.pthread_rwlock_tryrdlock.get()(l); },
      [l, t] { return next.pthread_rwlock_timedrdlock.get()(l, t); });
}

int pthread_rwlock_clockrdlock(pthread_rwlock_t* l, clockid_t clock, const struct timespec* t) noexcept {
  WEFT_PASS_THROUGH_UNLESS_RECORDING(next.pthread_rwlock_clockrdlock.get()(l, clock, t));
  return read_lock(
      l, __builtin_return_address(0), timeout{t, clock}, [l] { return next.pthread_rwlock_tryrdlock.get()(l); },
      [l, clock, t] { return next.pthread_rwlock_clockrdlock.get()(l, clock, t); });
}

int pthread_rwlock_tryrdlock(pthread_rwlock_t* l) noexcept {
  WEFT_PASS_THROUGH_UNLESS_RECORDING(next.pthread_rwlock_tryrdlock.get()(l));
  const busy_scope busy;
  object_call c;
  if (!begin_call(c, l, kKind, __builtin_return_address(0))) return next.pthread_rwlock_tryrdlock.get()(l);
  const int rc = next.pthread_rwlock_tryrdlock.get()(l);
  if (rc == 0)
    record_read_acquired(c, l, weft::format::kFlagTry);
  else
    c.record(EventKind::MutexTrySharedFailed, weft::format::kNoSeq, 0, weft::format::kFlagTry);
  return rc;
}

int pthread_rwlock_unlock(pthread_rwlock_t* l) noexcept {
  WEFT_PASS_THROUGH_UNLESS_RECORDING(next.pthread_rwlock_unlock.get()(l));
  const busy_scope busy;
  object_call c;
  if (!begin_call(c, l, kKind, __builtin_return_address(0))) {
    const int rc = next.pthread_rwlock_unlock.get()(l);
    if (scheduled()) weft::detail::explore::released(l);
    return rc;
  }
  if (c.e->owner.load(std::memory_order_relaxed) == c.me()) {
    record_exclusive_release(c, false);
  } else if (t_read_holds.remove(l) || c.e->count.load(std::memory_order_relaxed) > 0) {
    // (A read lock beyond the per-thread list's length is released here too.)
    const std::uint32_t holders = c.e->count.fetch_sub(1, std::memory_order_relaxed) - 1;
    c.record(EventKind::MutexReleasedShared, c.e->seq.fetch_add(1, std::memory_order_relaxed), holders);
  } else {
    c.record(EventKind::MutexReleased, weft::format::kNoSeq, 0, weft::format::kFlagNotOwner);
  }
  const int rc = next.pthread_rwlock_unlock.get()(l);
  if (scheduled()) weft::detail::explore::released(l);  // readers and writers alike try again
  return rc;
}

}  // extern "C"
