#include "weft/mutex.hpp"

#include <pthread.h>
#include <time.h>

#include <cerrno>
#include <system_error>

namespace weft {
namespace detail {
namespace {

// pthread's timed lock wants an absolute CLOCK_REALTIME deadline (it is the
// variant ThreadSanitizer understands).
timespec deadline_after(std::chrono::nanoseconds timeout) {
  timespec ts{};
  clock_gettime(CLOCK_REALTIME, &ts);
  const long long ns = static_cast<long long>(ts.tv_nsec) + timeout.count() % 1'000'000'000;
  ts.tv_sec += static_cast<time_t>(timeout.count() / 1'000'000'000 + ns / 1'000'000'000);
  ts.tv_nsec = static_cast<long>(ns % 1'000'000'000);
  return ts;
}

template <class Native>
bool timed_lock_native(Native* handle, std::chrono::nanoseconds timeout) {
  const timespec deadline = deadline_after(timeout);
  for (;;) {
    const int rc = pthread_mutex_timedlock(handle, &deadline);
    if (rc == 0) return true;
    if (rc == ETIMEDOUT) return false;
    if (rc != EINTR) throw std::system_error(rc, std::generic_category(), "pthread_mutex_timedlock");
  }
}

}  // namespace

bool timed_lock(std::mutex& m, std::chrono::nanoseconds timeout) { return timed_lock_native(m.native_handle(), timeout); }
bool timed_lock(std::recursive_mutex& m, std::chrono::nanoseconds timeout) {
  return timed_lock_native(m.native_handle(), timeout);
}

void throw_not_held(const char* what) {
  throw std::system_error(std::make_error_code(std::errc::operation_not_permitted), what);
}

}  // namespace detail

void mutex::lock_slow(const source_site& site) {
  detail::sync_point(format::EventKind::MutexLockBegin, id_, format::kNoSeq, 0, site);
  if (owner_.load(std::memory_order_relaxed) == detail::current_thread_id() + 1) detail::on_self_deadlock(id_);
  {
    detail::blocked_scope blocked(format::EventKind::MutexLockBegin, id_, false, &owner_);
    m_.lock();
  }
  acquired(site, format::kFlagContended);
}

bool mutex::try_lock_timed(std::chrono::nanoseconds timeout, const source_site& site) {
  if (m_.try_lock()) {
    acquired(site, format::kFlagTimed);
    return true;
  }
  if (timeout.count() > 0) {
    detail::sync_point(format::EventKind::MutexLockBegin, id_, format::kNoSeq, 0, site, format::kFlagTimed);
    bool got;
    {
      detail::blocked_scope blocked(format::EventKind::MutexLockBegin, id_, true, &owner_);
      got = detail::timed_lock(m_, timeout);
    }
    if (got) {
      acquired(site, format::kFlagContended | format::kFlagTimed);
      return true;
    }
  }
  detail::sync_point(format::EventKind::MutexTryFailed, id_, format::kNoSeq, 0, site, format::kFlagTimed);
  return false;
}

std::uint32_t mutex::unlock_misuse(std::uint32_t owner, const source_site& site) {
  if (owner == detail::kNoOwner) {
    // Nobody holds it: unlocking would corrupt the std::mutex. Python raises
    // RuntimeError here; so do we, after recording the attempt.
    detail::sync_point(format::EventKind::MutexReleased, id_, format::kNoSeq, 0, site, format::kFlagNotOwner);
    detail::throw_not_held("weft::mutex::unlock: the mutex is not locked");
  }
  return owner;  // held by another thread: recorded as misuse, then released
}

void recursive_mutex::lock_slow(const source_site& site) {
  detail::sync_point(format::EventKind::MutexLockBegin, id_, format::kNoSeq, 0, site);
  {
    detail::blocked_scope blocked(format::EventKind::MutexLockBegin, id_, false, &owner_);
    m_.lock();
  }
  acquired(site, format::kFlagContended);
}

bool recursive_mutex::try_lock_timed(std::chrono::nanoseconds timeout, const source_site& site) {
  if (m_.try_lock()) {
    acquired(site, format::kFlagTimed);
    return true;
  }
  if (timeout.count() > 0) {
    detail::sync_point(format::EventKind::MutexLockBegin, id_, format::kNoSeq, 0, site, format::kFlagTimed);
    bool got;
    {
      detail::blocked_scope blocked(format::EventKind::MutexLockBegin, id_, true, &owner_);
      got = detail::timed_lock(m_, timeout);
    }
    if (got) {
      acquired(site, format::kFlagContended | format::kFlagTimed);
      return true;
    }
  }
  detail::sync_point(format::EventKind::MutexTryFailed, id_, format::kNoSeq, 0, site, format::kFlagTimed);
  return false;
}

void recursive_mutex::unlock_misuse(const source_site& site) {
  detail::sync_point(format::EventKind::MutexReleased, id_, format::kNoSeq, 0, site, format::kFlagNotOwner);
  detail::throw_not_held("weft::recursive_mutex::unlock: the calling thread does not hold it");
}

}  // namespace weft
