// The one core behind every weft lock. weft::mutex, weft::recursive_mutex
// and the exclusive side of weft::shared_mutex are lock_core over their std
// lock, as Tracy's Lockable<T> serves every lockable: what they record, how
// they show ThreadSanitizer their order and how the watchdog sees them
// blocked is written once, so the lock types cannot drift apart. What does
// differ between them is said once, in lock_traits.
//
// Events: an uncontended lock is one `mutex.acquired`; a lock that has to
// wait is `mutex.lock.begin` ... `mutex.acquired` (flag Contended), so the
// wait has a duration. arg of acquired/released: the recursion depth after
// (1 and 0 for the non-recursive locks).
//
// Invariants (what the trace's meaning rests on):
//  - m_ is the std lock; the program's exclusion is m_'s, nothing else's.
//  - owner_ is the exclusive holder's weft thread id + 1, kNoOwner while
//    nobody holds it exclusively. Set just after m_ is taken, cleared just
//    before m_ is let go, by the holder; read by anyone (holder(), the
//    watchdog, misuse checks), hence atomic.
//  - depth_ (recursive locks only) is the holder's recursion depth; read and
//    written only holding m_.
//  - seq_ numbers the operations that change who holds the lock. Each takes
//    its number while it holds m_: mutex.acquired just after m_ is taken,
//    mutex.released just before it is let go. So the numbers order the
//    holds as they really happened, which is what happens-before is built
//    from. For a shared mutex the low kHolderBits bits of seq_ count the
//    shared holders (see shared_mutex.hpp); the exclusive side never holds
//    the lock together with them, so those bits are 0 whenever it runs.
//  - tsan_order_ (ThreadSanitizer builds) is held exactly while owner_ is
//    set (see shadow_lock).
#pragma once

#include <atomic>
#include <chrono>
#include <cstdint>
#include <mutex>
#include <shared_mutex>
#include <string>
#include <string_view>
#include <type_traits>
#include <utility>

#include "weft/detail/blocking.hpp"
#include "weft/detail/explore.hpp"
#include "weft/detail/registry.hpp"
#include "weft/detail/sync_point.hpp"
#include "weft/site.hpp"

// Under ThreadSanitizer, see lock_core::shadow_lock.
#if defined(WEFT_TSAN_BUILD) || defined(__SANITIZE_THREAD__)
#define WEFT_TSAN_LOCK_ORDER 1
#endif

// The uncontended lock and unlock: inlined into the caller, so a traced pair
// costs no calls beyond the std lock's own.
#define WEFT_HOT __attribute__((always_inline)) inline

namespace weft {

class condition_variable;
class condition_variable_any;

namespace detail {

inline constexpr std::uint32_t kNoOwner = 0;  // owners are stored as thread id + 1

// What differs between the lock types, and only that.
template <class Native>
struct lock_traits;

template <>
struct lock_traits<std::mutex> {
  static constexpr format::ObjectKind kind = format::ObjectKind::Mutex;
  static constexpr bool recursive = false;
  static constexpr bool shared = false;
  // Like Python's Lock, a weft::mutex may be released by a thread that does
  // not hold it (a plain glibc mutex does not mind): recorded as the misuse
  // it is in C++ (flag NotOwner), then performed.
  static constexpr bool foreign_unlock = true;
  static constexpr const char* not_held = "weft::mutex::unlock: the mutex is not locked";
};

template <>
struct lock_traits<std::recursive_mutex> {
  static constexpr format::ObjectKind kind = format::ObjectKind::RecursiveMutex;
  static constexpr bool recursive = true;
  static constexpr bool shared = false;
  // Only the holder may release a recursive mutex, as with Python's RLock.
  static constexpr bool foreign_unlock = false;
  static constexpr const char* not_held = "weft::recursive_mutex::unlock: the calling thread does not hold it";
};

template <>
struct lock_traits<std::shared_mutex> {
  static constexpr format::ObjectKind kind = format::ObjectKind::SharedMutex;
  static constexpr bool recursive = false;
  static constexpr bool shared = true;
  // glibc tells a writer's unlock from a reader's by the calling thread:
  // another thread's unlock would be taken for a reader's and corrupt the
  // lock. Refused instead.
  static constexpr bool foreign_unlock = false;
  static constexpr const char* not_held = "weft::shared_mutex::unlock: the calling thread does not hold it exclusively";
};

// Waits for `m` at most `timeout`; false if the time ran out (or, for a
// shared mutex, if waiting could never succeed: glibc says so at once).
bool timed_lock(std::mutex& m, std::chrono::nanoseconds timeout);
bool timed_lock(std::recursive_mutex& m, std::chrono::nanoseconds timeout);
bool timed_lock(std::shared_mutex& m, std::chrono::nanoseconds timeout);
bool timed_lock_shared(std::shared_mutex& m, std::chrono::nanoseconds timeout);
[[noreturn]] void throw_not_held(const char* what);
// Whether the calling thread holds the shared mutex `object` shared (see
// shared_mutex.cpp): asking for it exclusively then waits for itself.
bool holds_shared(std::uint32_t object) noexcept;

template <class Native>
class lock_core {
  using traits = lock_traits<Native>;

 public:
  lock_core(const lock_core&) = delete;
  lock_core& operator=(const lock_core&) = delete;

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
  bool try_lock_until(const std::chrono::time_point<Clock, Duration>& abs_time,
                      source_site site = source_site::current()) {
    return try_lock_timed(std::chrono::duration_cast<std::chrono::nanoseconds>(abs_time - Clock::now()), site);
  }

  // Releasing a lock the calling thread does not hold is recorded (flag
  // NotOwner, no sequence number) and throws std::system_error, except the
  // foreign unlock a weft::mutex allows (lock_traits::foreign_unlock).
  WEFT_HOT void unlock(source_site site = source_site::current()) {
    detail::ThreadBuffer* const b = detail::current_buffer();
    std::uint8_t flags = 0;
    if (__builtin_expect(owner_.load(std::memory_order_relaxed) != b->thread_id + 1, 0)) flags = unlock_misuse(site);
    std::uint32_t depth = 0;
    if constexpr (traits::recursive) depth = --depth_;
    if (depth == 0) owner_.store(kNoOwner, std::memory_order_relaxed);
    detail::sync_point(b, format::EventKind::MutexReleased, id_, next_seq(), depth, site, flags);
    if (depth == 0) shadow_unlock();
    m_.unlock();
    if (exploring()) explore::released(&m_);
  }

  std::uint32_t id() const noexcept { return id_; }
  std::string name() const { return detail::object_name(id_); }
  // The thread holding it (exclusively), as its weft id, or -1.
  long holder() const noexcept { return long(owner_.load(std::memory_order_relaxed)) - 1; }

 protected:
  lock_core(std::string_view name, const source_site& site) : id_(detail::register_object(traits::kind, name, site)) {}
  ~lock_core() {
    detail::unregister_object(
        id_, owner_.load(std::memory_order_relaxed) != kNoOwner || (seq_.load(std::memory_order_relaxed) & kHolderMask),
        {});
  }

  // seq_ = sequence number << kHolderBits | shared holders (shared mutexes).
  // 2^20 - 1 shared holders at once, 2^44 operations on one shared mutex.
  static constexpr unsigned kHolderBits = traits::shared ? 20 : 0;
  static constexpr std::uint64_t kSeqOne = std::uint64_t{1} << kHolderBits;
  static constexpr std::uint64_t kHolderMask = kSeqOne - 1;

  bool held_by_caller() const { return owner_.load(std::memory_order_relaxed) == detail::current_thread_id() + 1; }

  Native m_;
  const std::uint32_t id_;
  std::atomic<std::uint64_t> seq_{0};  // see next_seq, and shared_mutex.hpp for the shared side
  std::atomic<std::uint32_t> owner_{kNoOwner};

 private:
  friend class weft::condition_variable;
  friend class weft::condition_variable_any;

  WEFT_HOT void acquired(const source_site& site, std::uint8_t flags) {
    std::uint32_t depth = 1;
    if constexpr (traits::recursive) depth = ++depth_;
    if (depth == 1) shadow_lock(flags);
    hold(site, flags, depth);
  }
  WEFT_HOT void hold(const source_site& site, std::uint8_t flags, std::uint32_t depth) {
    detail::ThreadBuffer* const b = detail::current_buffer();
    owner_.store(b->thread_id + 1, std::memory_order_relaxed);
    detail::sync_point(b, format::EventKind::MutexAcquired, id_, next_seq(), depth, site, flags);
  }

  // Only ever called holding m_ exclusively, so nobody else changes seq_
  // meanwhile: a plain (relaxed) load and store, which cost what an integer
  // does. Atomic all the same, so that a misuse unlock by a thread that
  // does not hold the lock, which ThreadSanitizer rightly does not count as
  // a release, is reported as the bad unlock it is and not also as a race
  // inside weft.
  std::uint64_t next_seq() noexcept {
    const std::uint64_t s = seq_.load(std::memory_order_relaxed);
    seq_.store(s + kSeqOne, std::memory_order_relaxed);
    return s >> kHolderBits;
  }

  // ThreadSanitizer learns lock order only from blocking acquisitions: a
  // try_lock (the fast path above) adds no edge to its lock graph, so it
  // would miss the inversions of locks that are mostly free. Under TSan each
  // weft lock also holds tsan_order_, taken with a blocking lock just after
  // m_ (on the outermost acquisition of a recursive lock) and released just
  // before m_ is let go (on the outermost release): never contended (only
  // m_'s holder takes it), adding no ordering m_ does not, it shows TSan
  // every blocking acquisition. A try (or timed) acquisition shows TSan no
  // order, as with a std lock (std::lock's back-off relies on that).
  WEFT_HOT void shadow_lock([[maybe_unused]] std::uint8_t flags) {
#if defined(WEFT_TSAN_LOCK_ORDER)
    if (flags & (format::kFlagTry | format::kFlagTimed))
      (void)tsan_order_.try_lock();  // free: only m_'s holder takes it
    else
      tsan_order_.lock();
#endif
  }
  WEFT_HOT void shadow_unlock() {
#if defined(WEFT_TSAN_LOCK_ORDER)
    tsan_order_.unlock();
#endif
  }

  // For condition waits (the two condition variables): the waiting thread
  // gives up its hold entirely, whatever its depth, and takes it back.
  // begin_wait records the release (flag Condition, depth 0) while m_ is
  // still held, and returns the depth to restore; the caller then lets m_
  // go (release_native, or the std condition variable does) and takes it
  // back (relock_native, or the std condition variable); end_wait records
  // the re-acquisition (flag Condition) with the depth restored.
  std::uint32_t begin_wait(const source_site& site) {
    std::uint32_t depth = 1;
    if constexpr (traits::recursive) depth = std::exchange(depth_, 0);
    owner_.store(kNoOwner, std::memory_order_relaxed);
    detail::sync_point(format::EventKind::MutexReleased, id_, next_seq(), 0, site, format::kFlagCondition);
    shadow_unlock();
    return depth;
  }
  void release_native(std::uint32_t depth) {
    for (; depth > 0; --depth) m_.unlock();
    if (exploring()) explore::wake(&m_);
  }
  void relock_native(std::uint32_t depth);  // blocks as lock() does, watched
  void end_wait(const source_site& site, std::uint32_t depth) {
    if constexpr (traits::recursive) depth_ = depth;
    shadow_lock(format::kFlagCondition);
    hold(site, format::kFlagCondition, depth);
  }

  void lock_slow(const source_site& site);  // contended: wait, watched
  // Takes m_, blocking as the watchdog (or the scheduler) can see.
  void lock_native_watched();
  bool try_lock_timed(std::chrono::nanoseconds timeout, const source_site& site);
  std::uint8_t unlock_misuse(const source_site& site);  // the flags to record, or throws

  struct no_depth {};
  [[no_unique_address]] std::conditional_t<traits::recursive, std::uint32_t, no_depth> depth_{};
#if defined(WEFT_TSAN_LOCK_ORDER)
  std::mutex tsan_order_;
#endif
};

// The out-of-line parts are compiled once, in mutex.cpp.
extern template class lock_core<std::mutex>;
extern template class lock_core<std::recursive_mutex>;
extern template class lock_core<std::shared_mutex>;

}  // namespace detail
}  // namespace weft
