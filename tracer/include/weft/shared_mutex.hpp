// weft::shared_mutex: std::shared_mutex (a readers-writer lock) that records
// every operation. Works with std::shared_lock, std::unique_lock,
// std::lock_guard and std::scoped_lock, and with weft's guards.
//
// The exclusive side (lock, try_lock, try_lock_for/until, unlock) is the
// one lock core of weft::mutex (detail/lock_core.hpp) and records exactly
// what a weft::mutex records: mutex.lock.begin, mutex.acquired (arg 1),
// mutex.try.failed, mutex.released (arg 0), flags Contended, Try, Timed,
// NotOwner. Unlike a weft::mutex, only the holder may unlock it (glibc
// could not tell another thread's unlock from a reader's): anyone else's
// unlock is recorded and throws std::system_error.
//
// The shared side records mutex.lock_shared.begin (a shared lock that has to
// wait), mutex.acquired_shared, mutex.try_shared.failed and
// mutex.released_shared; arg of acquired_shared and released_shared: how
// many shared holds there are after the operation. The standard lets a thread hold it
// shared at most once, so that is the number of threads holding it shared.
// unlock_shared by a thread that does not hold it shared is recorded (flag
// NotOwner, no sequence number) and throws std::system_error.
//
// Order. Every operation that changes who holds it takes a sequence number
// while it holds the lock, exclusively or shared: after acquiring, before
// releasing. An exclusive holder is alone, so the core's plain load and
// store are enough (next_seq). Shared holders are many at once and take
// their numbers concurrently, so the shared side uses one atomic fetch_add,
// which also counts the holders: seq_ holds the next sequence number in its
// high bits and the number of shared holds in its low kHolderBits bits, and
// an acquisition adds (1 << kHolderBits) + 1, a release (1 << kHolderBits)
// - 1. Each operation thus gets a distinct number and the holder count
// right after it, in one indivisible step: the numbers follow the order of
// those steps (the modification order of seq_), the counts agree with the
// numbers, and since exclusive and shared holds never overlap, the two
// sides never touch seq_ at the same time. Between two shared holders the
// order is only the order of their steps; a reader's release comes before
// the next writer's acquisition, because that writer could only get the
// lock after it.
#pragma once

#include <chrono>
#include <cstdint>
#include <shared_mutex>
#include <string_view>

#include "weft/detail/lock_core.hpp"
#include "weft/site.hpp"

namespace weft {

class shared_mutex : public detail::lock_core<std::shared_mutex> {
 public:
  explicit shared_mutex(std::string_view name = {}, source_site site = source_site::current())
      : lock_core(name, site) {}

  void lock_shared(source_site site = source_site::current());
  bool try_lock_shared(source_site site = source_site::current());
  template <class Rep, class Period>
  bool try_lock_shared_for(const std::chrono::duration<Rep, Period>& timeout,
                           source_site site = source_site::current()) {
    return try_lock_shared_timed(std::chrono::duration_cast<std::chrono::nanoseconds>(timeout), site);
  }
  template <class Clock, class Duration>
  bool try_lock_shared_until(const std::chrono::time_point<Clock, Duration>& abs_time,
                             source_site site = source_site::current()) {
    return try_lock_shared_timed(std::chrono::duration_cast<std::chrono::nanoseconds>(abs_time - Clock::now()), site);
  }
  void unlock_shared(source_site site = source_site::current());

  // How many shared holds there are now (a snapshot).
  std::uint32_t shared_holders() const noexcept {
    return static_cast<std::uint32_t>(seq_.load(std::memory_order_relaxed) & kHolderMask);
  }

 private:
  void acquired_shared(const source_site& site, std::uint8_t flags);
  bool try_lock_shared_timed(std::chrono::nanoseconds timeout, const source_site& site);
};

}  // namespace weft
