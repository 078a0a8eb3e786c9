// Mutual exclusion between everyone who writes the trace file: the writer
// thread, an explicit weft::flush(), the exit handler and the crash handlers.
// A spin on an atomic, not a mutex, because a crash handler must be able to
// take it (or, if the crashing thread itself holds it, or its holder does
// not let go, proceed without it: the process is dying either way).
//
// While it is held, and while it is waited for, the thread's cancellation
// is held off (cancellation_off.hpp): everything under it writes the trace
// on whichever thread took it, often a program's.
#pragma once

#include <sched.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>

#include <atomic>

#include "cancellation_off.hpp"

namespace weft::detail {

inline long os_thread_id() noexcept { return syscall(SYS_gettid); }

class FlushLock {
 public:
  struct try_only_t {};
  // Takes the lock only if it is free right now.
  FlushLock(std::atomic<long>& owner, try_only_t) noexcept : owner_(owner) {
    long expected = 0;
    held_ = owner_.compare_exchange_strong(expected, os_thread_id(), std::memory_order_acquire, std::memory_order_relaxed);
  }
  FlushLock(std::atomic<long>& owner, bool crashing) noexcept : owner_(owner) {
    const long self = os_thread_id();
    // ~2 s of patience in a crash, then go ahead regardless.
    for (int attempt = 0;; ++attempt) {
      long expected = 0;
      if (owner_.compare_exchange_weak(expected, self, std::memory_order_acquire, std::memory_order_relaxed)) {
        held_ = true;
        return;
      }
      if (crashing && (expected == self || attempt > 20'000)) return;
      const timespec pause{0, 100'000};
      nanosleep(&pause, nullptr);
    }
  }
  ~FlushLock() {
    if (held_) owner_.store(0, std::memory_order_release);
  }
  bool held() const noexcept { return held_; }
  FlushLock(const FlushLock&) = delete;
  FlushLock& operator=(const FlushLock&) = delete;

 private:
  const cancellation_off hold_off_;  // first: before the wait, and after the release
  std::atomic<long>& owner_;
  bool held_ = false;
};

}  // namespace weft::detail
