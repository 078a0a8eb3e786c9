// The out-of-line half of the lock core (weft/detail/lock_core.hpp): what
// happens when a lock has to wait, times out or is misused. Compiled once
// here for every weft lock type.
#include "weft/detail/lock_core.hpp"

#include "weft/detail/deadline.hpp"

#include <pthread.h>
#include <time.h>

#include <cerrno>
#include <system_error>

namespace weft {
namespace detail {
namespace {

// pthread's timed locks want an absolute CLOCK_REALTIME deadline (it is the
// variant ThreadSanitizer understands).
timespec realtime_after(std::chrono::nanoseconds timeout) {
  timespec ts{};
  clock_gettime(CLOCK_REALTIME, &ts);
  const long long ns = static_cast<long long>(ts.tv_nsec) + timeout.count() % 1'000'000'000;
  ts.tv_sec += static_cast<time_t>(timeout.count() / 1'000'000'000 + ns / 1'000'000'000);
  ts.tv_nsec = static_cast<long>(ns % 1'000'000'000);
  return ts;
}

// Calls `timed(deadline)` (a pthread timed lock) until it succeeds or the
// deadline passes. EDEADLK (a shared mutex the caller already holds) is a
// lock that can never be had in time, as libstdc++'s timed shared mutex
// treats it.
template <class TimedLock>
bool until_deadline(TimedLock timed, std::chrono::nanoseconds timeout, const char* what) {
  const timespec deadline = realtime_after(timeout);
  for (;;) {
    const int rc = timed(&deadline);
    if (rc == 0) return true;
    if (rc == ETIMEDOUT || rc == EDEADLK) return false;
    if (rc != EINTR) throw std::system_error(rc, std::generic_category(), what);
  }
}

// libstdc++'s std::shared_mutex is a pthread rwlock; its handle is untyped.
pthread_rwlock_t* rwlock(std::shared_mutex& m) { return static_cast<pthread_rwlock_t*>(m.native_handle()); }

}  // namespace

bool timed_lock(std::mutex& m, std::chrono::nanoseconds timeout) {
  return until_deadline([&](const timespec* d) { return pthread_mutex_timedlock(m.native_handle(), d); }, timeout,
                        "pthread_mutex_timedlock");
}
bool timed_lock(std::recursive_mutex& m, std::chrono::nanoseconds timeout) {
  return until_deadline([&](const timespec* d) { return pthread_mutex_timedlock(m.native_handle(), d); }, timeout,
                        "pthread_mutex_timedlock");
}
bool timed_lock(std::shared_mutex& m, std::chrono::nanoseconds timeout) {
  return until_deadline([&](const timespec* d) { return pthread_rwlock_timedwrlock(rwlock(m), d); }, timeout,
                        "pthread_rwlock_timedwrlock");
}

bool timed_lock_shared(std::shared_mutex& m, std::chrono::nanoseconds timeout) {
  return until_deadline(
      [&](const timespec* d) {
        int rc;
        do rc = pthread_rwlock_timedrdlock(rwlock(m), d);
        while (rc == EAGAIN);  // too many readers for now: as libstdc++, try again
        return rc;
      },
      timeout, "pthread_rwlock_timedrdlock");
}

void throw_not_held(const char* what) {
  throw std::system_error(std::make_error_code(std::errc::operation_not_permitted), what);
}

template <class Native>
void lock_core<Native>::lock_slow(const source_site& site) {
  detail::sync_point(format::EventKind::MutexLockBegin, id_, format::kNoSeq, 0, site);
  // A non-recursive lock the caller holds (for a shared mutex, in either
  // mode) waits for itself forever.
  if constexpr (!traits::recursive) {
    bool self = held_by_caller();
    if constexpr (traits::shared) self = self || holds_shared(id_);
    if (self) detail::on_self_deadlock(id_);
  }
  lock_native_watched();
  acquired(site, format::kFlagContended);
}

template <class Native>
bool lock_core<Native>::try_lock_timed(std::chrono::nanoseconds timeout, const source_site& site) {
  if (m_.try_lock()) {
    acquired(site, format::kFlagTimed);
    return true;
  }
  if (timeout.count() > 0) {
    detail::sync_point(format::EventKind::MutexLockBegin, id_, format::kNoSeq, 0, site, format::kFlagTimed);
    bool got;
    {
      detail::blocked_scope blocked(format::EventKind::MutexLockBegin, id_, true, &owner_);
      got = exploring() ? explore::acquire(&m_, deadline_after(timeout), [this] { return m_.try_lock(); })
                        : detail::timed_lock(m_, timeout);
    }
    if (got) {
      acquired(site, format::kFlagContended | format::kFlagTimed);
      return true;
    }
  }
  detail::sync_point(format::EventKind::MutexTryFailed, id_, format::kNoSeq, 0, site, format::kFlagTimed);
  return false;
}

template <class Native>
std::uint8_t lock_core<Native>::unlock_misuse(const source_site& site) {
  // Held by another thread, and this lock type lets it go: recorded as the
  // misuse it is, then released.
  if (traits::foreign_unlock && owner_.load(std::memory_order_relaxed) != kNoOwner) return format::kFlagNotOwner;
  // Not held at all (unlocking would corrupt the std lock), or held by
  // another thread of a lock only its holder may release. Python raises
  // RuntimeError here; so do we, after recording the attempt.
  detail::sync_point(format::EventKind::MutexReleased, id_, format::kNoSeq, 0, site, format::kFlagNotOwner);
  detail::throw_not_held(traits::not_held);
}

template <class Native>
void lock_core<Native>::lock_native_watched() {
  detail::blocked_scope blocked(format::EventKind::MutexLockBegin, id_, false, &owner_);
  if (exploring())
    explore::acquire(&m_, std::nullopt, [this] { return m_.try_lock(); });
  else
    m_.lock();
}

template <class Native>
void lock_core<Native>::relock_native(std::uint32_t depth) {
  if (!m_.try_lock()) lock_native_watched();
  // The rest of a recursive depth: re-entries, immediate.
  for (; depth > 1; --depth) m_.lock();
}

template class lock_core<std::mutex>;
template class lock_core<std::recursive_mutex>;
template class lock_core<std::shared_mutex>;

}  // namespace detail
}  // namespace weft
