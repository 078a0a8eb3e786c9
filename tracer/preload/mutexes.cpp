// pthread mutexes and spin locks, and C11's mtx_t (a pthread mutex; see
// c11_threads.hpp). A mutex's type (normal, recursive, error-checking;
// robust or not) is read from glibc's pthread_mutex_t, which is where glibc
// itself keeps it.
#include <pthread.h>
#include <time.h>

#include <cerrno>
#include <cstdio>

#include "c11_threads.hpp"
#include "deadlines.hpp"
#include "lock_events.hpp"
#include "mutex_reuse.hpp"
#include "real.hpp"
#include "scheduled.hpp"

namespace weft::preload {
namespace {

bool error_checking(const pthread_mutex_t* m) noexcept { return mutex_type(m) == PTHREAD_MUTEX_ERRORCHECK; }

// pthread_mutex_destroy sets the type to -1, and glibc refuses every later
// lock, try or unlock of the mutex with EINVAL until it is initialised
// again. Such a call is recorded refused (flag Rejected; without Timed,
// which a refused deadline has) on the object that begins at the address.
bool destroyed(const pthread_mutex_t* m) noexcept { return m->__data.__kind == -1; }

// A spin lock is a volatile int; its address is what identifies it.
const void* spin_address(pthread_spinlock_t* s) noexcept { return const_cast<int*>(s); }

// A robust mutex whose holder died: the caller holds it now, and the trace
// says whose death it inherited.
void note_owner_died(const object_call& c) noexcept {
  static const char text[] = "pthread_mutex_lock: the previous owner died holding it (EOWNERDEAD)";
  detail::emit_text_interned(static_cast<std::uint8_t>(format::EventKind::Log), c.object, text, c.site);
}

// Under the scheduler, the blocking part of a lock: tried, and waited for on
// the mutex's address (which unlock wakes) until a try takes it.
int scheduled_mutex_lock(pthread_mutex_t* m, const std::optional<virtual_time>& until) {
  // An error-checking mutex locked again by its holder: glibc refuses at
  // once (EDEADLK), where the tries below would wait for ever.
  if (error_checking(m) && m->__data.__owner == static_cast<int>(::gettid())) return EDEADLK;
  return scheduled_lock(m, until, [m] { return next.pthread_mutex_trylock.get()(m); });
}

int scheduled_spin_lock(pthread_spinlock_t* s) {
  return scheduled_lock(spin_address(s), std::nullopt, [s] { return next.pthread_spin_trylock.get()(s); });
}

// lock, timedlock and clocklock: `block` is the native blocking call.
// Inlined into each wrapper, C11's too: called out of line from two, it
// cost pthread_mutex_lock a call more than it had.
template <class Block>
// `refused`: the deadline is one the C library refuses (deadlines.hpp):
// glibc takes a free mutex anyway and returns EINVAL only when it would
// have to wait (POSIX allows both).
__attribute__((always_inline)) inline int lock_mutex(pthread_mutex_t* m, const void* ra, bool timed, bool refused,
                                                     Block&& block) {
  const busy_scope busy;
  object_call c;
  if (!begin_mutex_call(c, m, ra)) return block();
  const std::uint8_t timed_flag = timed ? format::kFlagTimed : 0;
  int rc = next.pthread_mutex_trylock.get()(m);
  std::uint8_t flags = timed_flag;
  if (rc == EBUSY) {
    // A normal mutex locked again by its holder returns when another thread
    // unlocks it, as glibc allows (the "mutex as a semaphore"); if none does
    // for WEFT_HANG_MS, the watchdog calls the self-deadlock. An
    // error-checking one returns EDEADLK, which the program is told.
    rc = block_for_lock(c, timed, false, block);
    flags |= format::kFlagContended;
    // Not taken (timed out, refused: EDEADLK, EINVAL, ...): the wait is over.
    if (rc != 0 && rc != EOWNERDEAD) {
      const bool rejected = rc == EINVAL && refused;
      c.record(format::EventKind::MutexTryFailed, format::kNoSeq, 0,
               timed_flag | (rejected ? format::kFlagRejected : 0));
      return rc;
    }
  }
  if (rc == 0 || rc == EOWNERDEAD) {
    record_exclusive_acquired(c, flags);
    if (rc == EOWNERDEAD) note_owner_died(c);
  } else if (rc == EINVAL && destroyed(m)) {
    c.record(format::EventKind::MutexTryFailed, format::kNoSeq, 0, format::kFlagRejected);
  }
  return rc;
}

// The wrappers' bodies, for the pthread functions and the C11 ones alike:
// `ra` is the program's return address, the call's site. Inlined into both.
__attribute__((always_inline)) inline int mutex_lock_at(pthread_mutex_t* m, const void* ra) noexcept {
  WEFT_PASS_THROUGH_UNLESS_RECORDING(next.pthread_mutex_lock.get()(m));
  return lock_mutex(m, ra, false, false,
                    [m] { return scheduled_object(m) ? scheduled_mutex_lock(m, std::nullopt) : next.pthread_mutex_lock.get()(m); });
}

__attribute__((always_inline)) inline int mutex_timedlock_at(pthread_mutex_t* m, const struct timespec* abstime,
                                                              const void* ra) noexcept {
  WEFT_PASS_THROUGH_UNLESS_RECORDING(next.pthread_mutex_timedlock.get()(m, abstime));
  const bool refused = refused_deadline(abstime);
  return lock_mutex(m, ra, true, refused,
                    [m, abstime, refused] {
                      if (!scheduled_object(m)) return next.pthread_mutex_timedlock.get()(m, abstime);
                      return refused ? EINVAL : scheduled_mutex_lock(m, virtual_deadline(CLOCK_REALTIME, abstime));
                    });
}

__attribute__((always_inline)) inline int mutex_trylock_at(pthread_mutex_t* m, const void* ra) noexcept {
  WEFT_PASS_THROUGH_UNLESS_RECORDING(next.pthread_mutex_trylock.get()(m));
  const busy_scope busy;
  object_call c;
  if (!begin_mutex_call(c, m, ra)) return next.pthread_mutex_trylock.get()(m);
  const int rc = next.pthread_mutex_trylock.get()(m);
  if (rc == 0 || rc == EOWNERDEAD) {
    record_exclusive_acquired(c, format::kFlagTry);
    if (rc == EOWNERDEAD) note_owner_died(c);
  } else {
    const std::uint8_t refused = rc == EINVAL && destroyed(m) ? format::kFlagRejected : 0;
    c.record(format::EventKind::MutexTryFailed, format::kNoSeq, 0, format::kFlagTry | refused);
  }
  return rc;
}

__attribute__((always_inline)) inline int mutex_unlock_at(pthread_mutex_t* m, const void* ra) noexcept {
  WEFT_PASS_THROUGH_UNLESS_RECORDING(next.pthread_mutex_unlock.get()(m));
  const busy_scope busy;
  object_call c;
  // glibc lets any thread unlock a normal mutex; the other types refuse
  // (EPERM), and the refusal changes nothing.
  if (begin_mutex_call(c, m, ra)) {
    if (c.e->owner.load(std::memory_order_relaxed) != c.me() && destroyed(m)) [[unlikely]]
      c.record(format::EventKind::MutexReleased, format::kNoSeq, 0, format::kFlagNotOwner | format::kFlagRejected);
    else
      record_exclusive_release(c, mutex_type(m) == PTHREAD_MUTEX_NORMAL || mutex_type(m) == PTHREAD_MUTEX_ADAPTIVE_NP);
  }
  const int rc = next.pthread_mutex_unlock.get()(m);
  if (scheduled()) detail::explore::released(m);
  return rc;
}

// A lock is in use while a thread holds it: destroying or initialising it
// again then is undefined behaviour.
bool held(const sync_entry& e) noexcept { return e.owner.load(std::memory_order_relaxed) != 0; }

// glibc refuses to destroy a locked mutex (EBUSY; a robust one aside) and
// the mutex lives on, still held: the call is recorded as the misuse it is,
// refused, and not as the mutex's end (its holder's unlock was then "of a
// lock nobody holds", glibc's tst-mutex8).
bool refuses_destroy(const pthread_mutex_t* m) noexcept {
  constexpr int kRobust = 16;  // glibc's PTHREAD_MUTEX_ROBUST_NORMAL_NP bit of __kind (its pthreadP.h)
  return (m->__data.__kind & kRobust) == 0 && m->__data.__nusers != 0;
}

void record_mutex_end(pthread_mutex_t* m, const void* ra) noexcept {
  if (refuses_destroy(m))
    record_refused_destroy(m, ra);
  else
    record_end(m, ra, held);
}

}  // namespace
}  // namespace weft::preload

using namespace weft::preload;
using weft::format::EventKind;
using weft::preload::spin_address;

extern "C" {

int pthread_mutex_init(pthread_mutex_t* m, const pthread_mutexattr_t* attr) noexcept {
  const int rc = next.pthread_mutex_init.get()(m, attr);
  int pshared = PTHREAD_PROCESS_PRIVATE;
  if (attr != nullptr) pthread_mutexattr_getpshared(attr, &pshared);
  if (rc == 0)  // a new mutex at this address from now on
    renew(m, mutex_object_kind(m), pshared == PTHREAD_PROCESS_SHARED, __builtin_return_address(0), held);
  return rc;
}

int pthread_mutex_destroy(pthread_mutex_t* m) noexcept {
  record_mutex_end(m, __builtin_return_address(0));
  return next.pthread_mutex_destroy.get()(m);
}

int pthread_mutex_lock(pthread_mutex_t* m) noexcept { return mutex_lock_at(m, __builtin_return_address(0)); }

int pthread_mutex_timedlock(pthread_mutex_t* m, const struct timespec* abstime) noexcept {
  return mutex_timedlock_at(m, abstime, __builtin_return_address(0));
}

int pthread_mutex_clocklock(pthread_mutex_t* m, clockid_t clock, const struct timespec* abstime) noexcept {
  WEFT_PASS_THROUGH_UNLESS_RECORDING(next.pthread_mutex_clocklock.get()(m, clock, abstime));
  // A clock glibc does not take is refused before the mutex is tried: the
  // call changes nothing, and passes through unrecorded.
  if (refused_clock(clock)) return next.pthread_mutex_clocklock.get()(m, clock, abstime);
  const bool refused = refused_deadline(abstime);
  return lock_mutex(m, __builtin_return_address(0), true, refused,
                    [m, clock, abstime, refused] {
                      if (!scheduled_object(m)) return next.pthread_mutex_clocklock.get()(m, clock, abstime);
                      return refused ? EINVAL : scheduled_mutex_lock(m, virtual_deadline(clock, abstime));
                    });
}

int pthread_mutex_trylock(pthread_mutex_t* m) noexcept { return mutex_trylock_at(m, __builtin_return_address(0)); }

int pthread_mutex_unlock(pthread_mutex_t* m) noexcept { return mutex_unlock_at(m, __builtin_return_address(0)); }

// C11: mtx_timed is a normal mutex that may also be waited for with a
// deadline, mtx_recursive a recursive one; glibc's mtx_init makes them.
int mtx_init(mtx_t* m, int type) {
  const int rc = next.mtx_init.get()(m, type);
  if (rc == thrd_success) renew(m, mutex_object_kind(as_pthread(m)), false, __builtin_return_address(0), held);
  return rc;
}

void mtx_destroy(mtx_t* m) {
  record_mutex_end(as_pthread(m), __builtin_return_address(0));
  next.mtx_destroy.get()(m);
}

int mtx_lock(mtx_t* m) { return thrd_result(mutex_lock_at(as_pthread(m), __builtin_return_address(0))); }

int mtx_timedlock(mtx_t* __restrict m, const struct timespec* __restrict abstime) {
  return thrd_result(mutex_timedlock_at(as_pthread(m), abstime, __builtin_return_address(0)));
}

int mtx_trylock(mtx_t* m) { return thrd_result(mutex_trylock_at(as_pthread(m), __builtin_return_address(0))); }

int mtx_unlock(mtx_t* m) { return thrd_result(mutex_unlock_at(as_pthread(m), __builtin_return_address(0))); }

// Spin locks: exclusive locks that wait by spinning; a second lock by the
// holder spins forever.
int pthread_spin_init(pthread_spinlock_t* s, int pshared) noexcept {
  const int rc = next.pthread_spin_init.get()(s, pshared);
  if (rc == 0)
    renew(spin_address(s), weft::format::ObjectKind::Mutex, pshared == PTHREAD_PROCESS_SHARED, __builtin_return_address(0), held);
  return rc;
}

int pthread_spin_destroy(pthread_spinlock_t* s) noexcept {
  record_end(spin_address(s), __builtin_return_address(0), held);
  return next.pthread_spin_destroy.get()(s);
}

int pthread_spin_lock(pthread_spinlock_t* s) noexcept {
  WEFT_PASS_THROUGH_UNLESS_RECORDING(next.pthread_spin_lock.get()(s));
  const busy_scope busy;
  object_call c;
  if (!begin_call(c, spin_address(s), weft::format::ObjectKind::Mutex, __builtin_return_address(0)))
    return next.pthread_spin_lock.get()(s);
  std::uint8_t flags = 0;
  if (next.pthread_spin_trylock.get()(s) != 0) {
    // Locked again by its holder: as a normal mutex (lock_mutex).
    block_for_lock(c, false, false,
                   [s] { return scheduled_object(spin_address(s)) ? scheduled_spin_lock(s) : next.pthread_spin_lock.get()(s); });
    flags = weft::format::kFlagContended;
  }
  record_exclusive_acquired(c, flags);
  return 0;
}

int pthread_spin_trylock(pthread_spinlock_t* s) noexcept {
  WEFT_PASS_THROUGH_UNLESS_RECORDING(next.pthread_spin_trylock.get()(s));
  const busy_scope busy;
  object_call c;
  if (!begin_call(c, spin_address(s), weft::format::ObjectKind::Mutex, __builtin_return_address(0)))
    return next.pthread_spin_trylock.get()(s);
  const int rc = next.pthread_spin_trylock.get()(s);
  if (rc == 0)
    record_exclusive_acquired(c, weft::format::kFlagTry);
  else
    c.record(EventKind::MutexTryFailed, weft::format::kNoSeq, 0, weft::format::kFlagTry);
  return rc;
}

int pthread_spin_unlock(pthread_spinlock_t* s) noexcept {
  WEFT_PASS_THROUGH_UNLESS_RECORDING(next.pthread_spin_unlock.get()(s));
  const busy_scope busy;
  object_call c;
  if (begin_call(c, spin_address(s), weft::format::ObjectKind::Mutex, __builtin_return_address(0)))
    record_exclusive_release(c, true);  // a spin lock is just a word: anyone's store frees it
  const int rc = next.pthread_spin_unlock.get()(s);
  if (scheduled()) weft::detail::explore::released(spin_address(s));
  return rc;
}

}  // extern "C"
