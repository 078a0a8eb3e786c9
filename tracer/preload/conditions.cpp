// pthread condition variables (std::condition_variable is one; _any waits
// on one with an internal mutex). Recorded as weft's condition_core records
// a wait: cond.wait.begin (arg: the mutex's object id), the mutex's release
// and re-acquisition on the mutex's own order (flag Condition), and
// cond.wait.end (arg: why it woke); a notification carries how many threads
// were waiting, which is how a lost wake-up shows. C11's cnd_t is a pthread
// condition (c11_threads.hpp): its functions are recorded the same way.
#include <pthread.h>

#include <algorithm>

#include "c11_threads.hpp"
#include "deadlines.hpp"
#include "lock_events.hpp"
#include "real.hpp"
#include "scheduled.hpp"

namespace weft::preload {
namespace {

// A condition is in use while a thread waits on it that no notification has
// woken. A woken waiter may still be inside glibc's wait, taking its mutex
// back: POSIX lets the condition be destroyed then, and glibc's destroy
// waits for it to leave ("lock; broadcast; destroy; unlock" is correct).
// `count` is the waiters inside the wait, `woken` those of them a
// notification woke (as far as weft can tell: which waiter glibc woke is
// glibc's).
bool waited_on(const sync_entry& e) noexcept {
  return e.count.load(std::memory_order_relaxed) > e.woken.load(std::memory_order_relaxed);
}

// A notification: one more waiter woken, or every waiter for a broadcast.
void mark_woken(sync_entry& e, bool all) noexcept {
  std::uint32_t woken = e.woken.load(std::memory_order_relaxed);
  for (;;) {
    const std::uint32_t waiting = e.count.load(std::memory_order_relaxed);
    if (woken >= waiting) return;
    if (e.woken.compare_exchange_weak(woken, all ? waiting : woken + 1, std::memory_order_relaxed)) return;
  }
}

// A waiter leaves the wait; `notified`: a notification woke it, so it no
// longer counts among the woken. Never more woken than waiting.
void leave_wait(sync_entry& e, bool notified) noexcept {
  const std::uint32_t waiting = e.count.fetch_sub(1, std::memory_order_relaxed) - 1;
  std::uint32_t woken = e.woken.load(std::memory_order_relaxed);
  for (;;) {
    const std::uint32_t left = std::min(notified && woken > 0 ? woken - 1 : woken, waiting);
    if (left == woken || e.woken.compare_exchange_weak(woken, left, std::memory_order_relaxed)) return;
  }
}

// Under the scheduler, the native wait's part: the mutex let go (waking its
// waiters), the thread blocked on the condition's address until a notify
// wakes it or `until` passes, the mutex taken back as the scheduler allows.
// Nothing runs between the unlock and the block, so no notify is missed.
// A cancellation point, as the native wait is (explore/cancellation.hpp):
// a cancel acts on entry, or once the mutex is taken back.
int scheduled_wait(pthread_cond_t* cv, pthread_mutex_t* m, const std::optional<virtual_time>& until) {
  pthread_testcancel();
  next.pthread_mutex_unlock.get()(m);
  detail::explore::wake(m);
  const bool woken = detail::explore::block(cv, until);
  const int rc = scheduled_lock(m, std::nullopt, [m] { return next.pthread_mutex_trylock.get()(m); });
  if (rc != 0 && rc != EOWNERDEAD) return rc;
  pthread_testcancel();
  return woken ? 0 : ETIMEDOUT;
}

// `refused`: the C library refuses the wait's deadline (deadlines.hpp).
template <class Wait>
int wait(pthread_cond_t* cv, pthread_mutex_t* m, const void* ra, bool timed, bool refused, Wait&& native_wait) {
  const busy_scope busy;
  object_call c;
  object_call mc;
  if (!begin_call(c, cv, format::ObjectKind::Condition, ra)) return native_wait();
  mc.b = c.b;
  mc.site = c.site;
  mc.e = find_entry(m);
  if (mc.e == nullptr) return native_wait();
  mc.object = object_of(*mc.e, m, mutex_object_kind(m), c.site, c.b);
  const std::uint8_t timed_flag = timed ? format::kFlagTimed : 0;

  if (refused) {
    // Returned at once, the mutex kept: a wait of no length, flagged for
    // the misuse check (no sequence: it changed nothing).
    c.record(format::EventKind::CondWaitBegin, format::kNoSeq, mc.object, timed_flag | format::kFlagRejected);
    c.record(format::EventKind::CondWaitEnd, format::kNoSeq, static_cast<std::uint64_t>(format::WakeReason::Spurious),
             timed_flag | format::kFlagRejected);
    return scheduled_object(cv) ? EINVAL : native_wait();
  }
  if (mc.e->owner.load(std::memory_order_relaxed) != c.me()) {
    // Undefined behaviour in POSIX; recorded (flag NotOwner, no sequence)
    // for the misuse check, then done as the program asked.
    c.record(format::EventKind::CondWaitBegin, format::kNoSeq, mc.object, timed_flag | format::kFlagNotOwner);
    return native_wait();
  }
  c.e->count.fetch_add(1, std::memory_order_relaxed);
  const std::int64_t notifies_before = c.e->value.load(std::memory_order_relaxed);
  c.record(format::EventKind::CondWaitBegin, c.e->seq.fetch_add(1, std::memory_order_relaxed), mc.object, timed_flag);

  // The wait lets the mutex go entirely and takes it back at its depth.
  const std::uint32_t depth = mc.e->depth;
  mc.e->depth = 0;
  mc.e->owner.store(0, std::memory_order_relaxed);
  mc.record(format::EventKind::MutexReleased, mc.e->seq.fetch_add(1, std::memory_order_relaxed), 0,
            format::kFlagCondition);
  // The wait's end: the mutex taken back at its depth, then the wait over
  // and why. Recorded when the native wait returns, and also when it is
  // left by a cancellation (pthread_cancel acted on inside the wait):
  // glibc takes the mutex back and unwinds through this frame to the
  // thread's cleanup handlers, which usually unlock it. Unrecorded, that
  // unlock was a misuse by a thread that did not hold the mutex. A
  // cancelled wait was woken by nothing: spurious.
  int rc = 0;
  const auto wait_ended = [&](bool cancelled) noexcept {
    mc.e->owner.store(c.me(), std::memory_order_relaxed);
    mc.e->depth = depth;
    mc.record(format::EventKind::MutexAcquired, mc.e->seq.fetch_add(1, std::memory_order_relaxed), depth,
              format::kFlagCondition);
    const format::WakeReason reason = cancelled        ? format::WakeReason::Spurious
                                      : rc == ETIMEDOUT ? format::WakeReason::Timeout
                                      : c.e->value.load(std::memory_order_relaxed) != notifies_before
                                          ? format::WakeReason::Notified
                                          : format::WakeReason::Spurious;
    leave_wait(*c.e, reason == format::WakeReason::Notified);
    c.record(format::EventKind::CondWaitEnd, c.e->seq.fetch_add(1, std::memory_order_relaxed),
             static_cast<std::uint64_t>(reason), timed_flag);
  };
  struct ended_on_unwind {
    const decltype(wait_ended)& ended;
    bool returned = false;
    ~ended_on_unwind() {
      if (!returned) ended(true);
    }
  } cancellation{wait_ended};
  {
    const detail::blocked_scope blocked(format::EventKind::CondWaitBegin, c.object, timed, nullptr,
                                        watchdog_external(*c.e) || watchdog_external(*mc.e));
    rc = native_wait();
  }
  cancellation.returned = true;
  wait_ended(false);
  return rc;
}

int notify(pthread_cond_t* cv, const void* ra, format::EventKind kind) {
  const busy_scope busy;
  object_call c;
  if (begin_call(c, cv, format::ObjectKind::Condition, ra)) {
    c.e->value.fetch_add(1, std::memory_order_relaxed);
    mark_woken(*c.e, kind == format::EventKind::CondNotifyAll);
    c.record(kind, c.e->seq.fetch_add(1, std::memory_order_relaxed), c.e->count.load(std::memory_order_relaxed));
  }
  if (scheduled()) detail::explore::wake(cv, kind == format::EventKind::CondNotifyAll);
  return kind == format::EventKind::CondNotifyOne ? next.pthread_cond_signal.get()(cv)
                                                  : next.pthread_cond_broadcast.get()(cv);
}

// The wrappers' bodies, for the pthread functions and the C11 ones alike:
// `ra` is the program's return address, the call's site.
__attribute__((always_inline)) inline int cond_signal_at(pthread_cond_t* cv, const void* ra) noexcept {
  WEFT_PASS_THROUGH_UNLESS_RECORDING(next.pthread_cond_signal.get()(cv));
  return notify(cv, ra, format::EventKind::CondNotifyOne);
}

__attribute__((always_inline)) inline int cond_broadcast_at(pthread_cond_t* cv, const void* ra) noexcept {
  WEFT_PASS_THROUGH_UNLESS_RECORDING(next.pthread_cond_broadcast.get()(cv));
  return notify(cv, ra, format::EventKind::CondNotifyAll);
}

__attribute__((always_inline)) inline int cond_wait_at(pthread_cond_t* cv, pthread_mutex_t* m, const void* ra) {
  WEFT_PASS_THROUGH_UNLESS_RECORDING(next.pthread_cond_wait.get()(cv, m));
  return wait(cv, m, ra, false, false, [cv, m] {
    return scheduled_object(cv) ? scheduled_wait(cv, m, std::nullopt) : next.pthread_cond_wait.get()(cv, m);
  });
}

__attribute__((always_inline)) inline int cond_timedwait_at(pthread_cond_t* cv, pthread_mutex_t* m,
                                                             const struct timespec* t, const void* ra) {
  WEFT_PASS_THROUGH_UNLESS_RECORDING(next.pthread_cond_timedwait.get()(cv, m, t));
  return wait(cv, m, ra, true, refused_deadline(t),
              [cv, m, t] {
                if (!scheduled_object(cv)) return next.pthread_cond_timedwait.get()(cv, m, t);
                // The condition's clock, as pthread_condattr_setclock chose it.
                const clockid_t clock = (cv->__data.__wrefs & 2) ? CLOCK_MONOTONIC : CLOCK_REALTIME;  // glibc: bit 1 of __wrefs
                return scheduled_wait(cv, m, virtual_deadline(clock, t));
              });
}

}  // namespace
}  // namespace weft::preload

using namespace weft::preload;

extern "C" {

int pthread_cond_init(pthread_cond_t* cv, const pthread_condattr_t* attr) noexcept {
  const int rc = next.pthread_cond_init.get()(cv, attr);
  int pshared = PTHREAD_PROCESS_PRIVATE;
  if (attr != nullptr) pthread_condattr_getpshared(attr, &pshared);
  if (rc == 0)
    renew(cv, weft::format::ObjectKind::Condition, pshared == PTHREAD_PROCESS_SHARED, __builtin_return_address(0), waited_on);
  return rc;
}

int pthread_cond_destroy(pthread_cond_t* cv) noexcept {
  return record_end_then_destroy(cv, __builtin_return_address(0), waited_on,
                                 [cv] { return next.pthread_cond_destroy.get()(cv); });
}

int pthread_cond_signal(pthread_cond_t* cv) noexcept { return cond_signal_at(cv, __builtin_return_address(0)); }

int pthread_cond_broadcast(pthread_cond_t* cv) noexcept { return cond_broadcast_at(cv, __builtin_return_address(0)); }

int pthread_cond_wait(pthread_cond_t* cv, pthread_mutex_t* m) { return cond_wait_at(cv, m, __builtin_return_address(0)); }

int pthread_cond_timedwait(pthread_cond_t* cv, pthread_mutex_t* m, const struct timespec* t) {
  return cond_timedwait_at(cv, m, t, __builtin_return_address(0));
}

int pthread_cond_clockwait(pthread_cond_t* cv, pthread_mutex_t* m, clockid_t clock, const struct timespec* t) {
  WEFT_PASS_THROUGH_UNLESS_RECORDING(next.pthread_cond_clockwait.get()(cv, m, clock, t));
  return wait(cv, m, __builtin_return_address(0), true, refused_deadline(clock, t),
              [cv, m, clock, t] {
                return scheduled_object(cv) ? scheduled_wait(cv, m, virtual_deadline(clock, t))
                                   : next.pthread_cond_clockwait.get()(cv, m, clock, t);
              });
}

// C11. A cnd_t waits with CLOCK_REALTIME deadlines (TIME_UTC), as a
// pthread condition does by default.
int cnd_init(cnd_t* cv) {
  const int rc = next.cnd_init.get()(cv);
  if (rc == thrd_success) renew(cv, weft::format::ObjectKind::Condition, false, __builtin_return_address(0), waited_on);
  return rc;
}

void cnd_destroy(cnd_t* cv) {
  record_end_then_destroy(cv, __builtin_return_address(0), waited_on, [cv] { next.cnd_destroy.get()(cv); });
}

int cnd_signal(cnd_t* cv) { return thrd_result(cond_signal_at(as_pthread(cv), __builtin_return_address(0))); }

int cnd_broadcast(cnd_t* cv) { return thrd_result(cond_broadcast_at(as_pthread(cv), __builtin_return_address(0))); }

int cnd_wait(cnd_t* cv, mtx_t* m) {
  return thrd_result(cond_wait_at(as_pthread(cv), as_pthread(m), __builtin_return_address(0)));
}

int cnd_timedwait(cnd_t* __restrict cv, mtx_t* __restrict m, const struct timespec* __restrict t) {
  return thrd_result(cond_timedwait_at(as_pthread(cv), as_pthread(m), t, __builtin_return_address(0)));
}

}  // extern "C"
