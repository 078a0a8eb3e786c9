// weft::mutex and weft::recursive_mutex: std::mutex and std::recursive_mutex
// that record every operation. Drop-in for std::lock_guard, std::unique_lock
// and std::scoped_lock.
//
// Events: an uncontended lock is one `mutex.acquired`; a lock that has to
// wait is `mutex.lock.begin` ... `mutex.acquired` (flag Contended), so the
// wait has a duration. `mutex.released` is recorded while still holding the
// lock, which is what makes the per-object sequence numbers (taken inside the
// critical section) a faithful order of who held the lock when.
//
// Like Python's Lock, a weft::mutex may be unlocked by a thread other than
// the one that locked it: this is recorded (flag NotOwner) as the misuse it
// is in C++, then performed. Unlocking a mutex nobody holds is recorded and
// throws std::system_error instead of corrupting the lock.
#pragma once

#include <atomic>
#include <chrono>
#include <cstdint>
#include <mutex>
// Under ThreadSanitizer, see weft::mutex::tsan_order_.
#if defined(WEFT_TSAN_BUILD) || defined(__SANITIZE_THREAD__)
#define WEFT_TSAN_LOCK_ORDER 1
#endif
#include <string>
#include <string_view>

#include "weft/detail/blocking.hpp"
#include "weft/detail/registry.hpp"
#include "weft/detail/sync_point.hpp"
#include "weft/site.hpp"

namespace weft {

class condition_variable;

// The uncontended lock and unlock: inlined into the caller, so a traced pair
// costs no calls beyond the std::mutex's own.
#define WEFT_HOT __attribute__((always_inline)) inline

namespace detail {
// Waits for `m` until the deadline (CLOCK_REALTIME, as pthread wants it).
bool timed_lock(std::mutex& m, std::chrono::nanoseconds timeout);
bool timed_lock(std::recursive_mutex& m, std::chrono::nanoseconds timeout);
[[noreturn]] void throw_not_held(const char* what);
inline constexpr std::uint32_t kNoOwner = 0;  // owners are stored as thread id + 1
}  // namespace detail

class mutex {
 public:
  explicit mutex(std::string_view name = {}, source_site site = source_site::current())
      : id_(detail::register_object(format::ObjectKind::Mutex, name, site)) {}
  ~mutex() { detail::unregister_object(id_, owner_.load(std::memory_order_relaxed) != detail::kNoOwner, {}); }
  mutex(const mutex&) = delete;
  mutex& operator=(const mutex&) = delete;

  WEFT_HOT void lock(source_site site = source_site::current()) {
    if (__builtin_expect(m_.try_lock(), 1)) {
      acquired(site, 0);
      return;
    }
    lock_slow(site);
  }

  bool try_lock(source_site site = source_site::current()) {
    if (m_.try_lock()) {
      acquired(site, format::kFlagTry);
      return true;
    }
    detail::sync_point(format::EventKind::MutexTryFailed, id_, format::kNoSeq, 0, site, format::kFlagTry);
    return false;
  }

  template <class Rep, class Period>
  bool try_lock_for(const std::chrono::duration<Rep, Period>& timeout, source_site site = source_site::current()) {
    return try_lock_timed(std::chrono::duration_cast<std::chrono::nanoseconds>(timeout), site);
  }
  template <class Clock, class Duration>
  bool try_lock_until(const std::chrono::time_point<Clock, Duration>& deadline,
                      source_site site = source_site::current()) {
    return try_lock_timed(std::chrono::duration_cast<std::chrono::nanoseconds>(deadline - Clock::now()), site);
  }

  WEFT_HOT void unlock(source_site site = source_site::current()) {
    detail::ThreadBuffer* const b = detail::current_buffer();
    const std::uint32_t self = b->thread_id + 1;
    std::uint32_t owner = owner_.load(std::memory_order_relaxed);
    if (__builtin_expect(owner != self, 0)) owner = unlock_misuse(owner, site);
    owner_.store(detail::kNoOwner, std::memory_order_relaxed);
    detail::sync_point(b, format::EventKind::MutexReleased, id_, next_seq(), 0, site,
                       owner == self ? 0 : format::kFlagNotOwner);
#if defined(WEFT_TSAN_LOCK_ORDER)
    tsan_order_.unlock();
#endif
    m_.unlock();
  }

  std::uint32_t id() const noexcept { return id_; }
  std::string name() const { return detail::object_name(id_); }
  // The thread holding it (weft id), or -1.
  long holder() const noexcept { return long(owner_.load(std::memory_order_relaxed)) - 1; }

 private:
  friend class condition_variable;

  WEFT_HOT void acquired(const source_site& site, std::uint8_t flags) {
#if defined(WEFT_TSAN_LOCK_ORDER)
    // As m_ was taken: a try (or timed) acquisition shows TSan no order, as
    // with a std::mutex (std::lock's back-off relies on that).
    if (flags & (format::kFlagTry | format::kFlagTimed))
      (void)tsan_order_.try_lock();  // free: only m_'s holder takes it
    else
      tsan_order_.lock();
#endif
    detail::ThreadBuffer* const b = detail::current_buffer();
    owner_.store(b->thread_id + 1, std::memory_order_relaxed);
    detail::sync_point(b, format::EventKind::MutexAcquired, id_, next_seq(), 1, site, flags);
  }
  // Only ever called holding m_. The counter is atomic, read and written
  // with plain (relaxed) loads and stores that cost what an integer does,
  // so that a misuse unlock by a thread that does not hold the lock, which
  // ThreadSanitizer rightly does not count as a release, is reported as the
  // bad unlock it is and not also as a race inside weft.
  std::uint64_t next_seq() noexcept {
    const std::uint64_t s = seq_.load(std::memory_order_relaxed);
    seq_.store(s + 1, std::memory_order_relaxed);
    return s;
  }
  void lock_slow(const source_site& site);  // contended: wait, watched
  bool try_lock_timed(std::chrono::nanoseconds timeout, const source_site& site);
  std::uint32_t unlock_misuse(std::uint32_t owner, const source_site& site);

  std::mutex m_;
  const std::uint32_t id_;
  std::atomic<std::uint64_t> seq_{0};         // changed only holding m_ (see next_seq)
  std::atomic<std::uint32_t> owner_{detail::kNoOwner};
#if defined(WEFT_TSAN_LOCK_ORDER)
  // ThreadSanitizer learns lock order only from blocking acquisitions: a
  // try_lock (the fast path above) adds no edge to its lock graph, so it
  // would miss the inversions of locks that are mostly free. Under TSan each
  // weft::mutex also holds this one, taken with a blocking lock just after
  // m_ and released just before it: never contended (only m_'s holder takes
  // it), adding no ordering m_ does not, it shows TSan every blocking
  // acquisition.
  std::mutex tsan_order_;
#endif
};

class recursive_mutex {
 public:
  explicit recursive_mutex(std::string_view name = {}, source_site site = source_site::current())
      : id_(detail::register_object(format::ObjectKind::RecursiveMutex, name, site)) {}
  ~recursive_mutex() { detail::unregister_object(id_, owner_.load(std::memory_order_relaxed) != detail::kNoOwner, {}); }
  recursive_mutex(const recursive_mutex&) = delete;
  recursive_mutex& operator=(const recursive_mutex&) = delete;

  WEFT_HOT void lock(source_site site = source_site::current()) {
    if (__builtin_expect(m_.try_lock(), 1)) {
      acquired(site, 0);
      return;
    }
    lock_slow(site);
  }

  bool try_lock(source_site site = source_site::current()) {
    if (m_.try_lock()) {
      acquired(site, format::kFlagTry);
      return true;
    }
    detail::sync_point(format::EventKind::MutexTryFailed, id_, format::kNoSeq, 0, site, format::kFlagTry);
    return false;
  }

  template <class Rep, class Period>
  bool try_lock_for(const std::chrono::duration<Rep, Period>& timeout, source_site site = source_site::current()) {
    return try_lock_timed(std::chrono::duration_cast<std::chrono::nanoseconds>(timeout), site);
  }
  template <class Clock, class Duration>
  bool try_lock_until(const std::chrono::time_point<Clock, Duration>& deadline,
                      source_site site = source_site::current()) {
    return try_lock_timed(std::chrono::duration_cast<std::chrono::nanoseconds>(deadline - Clock::now()), site);
  }

  // Only the holder may unlock a recursive mutex (as with Python's RLock);
  // anyone else gets std::system_error, and the attempt is recorded.
  void unlock(source_site site = source_site::current()) {
    detail::ThreadBuffer* const b = detail::current_buffer();
    if (__builtin_expect(owner_.load(std::memory_order_relaxed) != b->thread_id + 1, 0)) unlock_misuse(site);
    const std::uint32_t depth = --depth_;
    if (depth == 0) owner_.store(detail::kNoOwner, std::memory_order_relaxed);
    detail::sync_point(b, format::EventKind::MutexReleased, id_, seq_++, depth, site);
    m_.unlock();
  }

  std::uint32_t id() const noexcept { return id_; }
  std::string name() const { return detail::object_name(id_); }
  long holder() const noexcept { return long(owner_.load(std::memory_order_relaxed)) - 1; }

 private:
  void acquired(const source_site& site, std::uint8_t flags) {
    detail::ThreadBuffer* const b = detail::current_buffer();
    owner_.store(b->thread_id + 1, std::memory_order_relaxed);
    detail::sync_point(b, format::EventKind::MutexAcquired, id_, seq_++, ++depth_, site, flags);
  }
  void lock_slow(const source_site& site);
  bool try_lock_timed(std::chrono::nanoseconds timeout, const source_site& site);
  [[noreturn]] void unlock_misuse(const source_site& site);

  std::recursive_mutex m_;
  const std::uint32_t id_;
  std::uint64_t seq_ = 0;                     // guarded by m_
  std::uint32_t depth_ = 0;                   // guarded by m_
  std::atomic<std::uint32_t> owner_{detail::kNoOwner};
};

}  // namespace weft
