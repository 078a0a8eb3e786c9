// weft::mutex and weft::recursive_mutex: std::mutex and std::recursive_mutex
// that record every operation. Drop-in for std::lock_guard, std::unique_lock
// and std::scoped_lock.
//
// Both are the one lock core (detail/lock_core.hpp, which says what they
// record and what holds it together) over their std lock.
//
// Events: an uncontended lock is one `mutex.acquired`; a lock that has to
// wait is `mutex.lock.begin` ... `mutex.acquired` (flag Contended), so the
// wait has a duration. `mutex.released` is recorded while still holding the
// lock, which is what makes the per-object sequence numbers (taken inside the
// critical section) a faithful order of who held the lock when. A recursive
// mutex records its depth after each acquire and release.
//
// Like Python's Lock, a weft::mutex may be unlocked by a thread other than
// the one that locked it: this is recorded (flag NotOwner) as the misuse it
// is in C++, then performed. Unlocking a mutex nobody holds, or a recursive
// mutex the calling thread does not hold (as Python's RLock), is recorded
// and throws std::system_error instead of corrupting the lock.
#pragma once

#include <mutex>
#include <string_view>

#include "weft/detail/lock_core.hpp"
#include "weft/site.hpp"

namespace weft {

class mutex : public detail::lock_core<std::mutex> {
 public:
  explicit mutex(std::string_view name = {}, source_site site = source_site::current()) : lock_core(name, site) {}
};

class recursive_mutex : public detail::lock_core<std::recursive_mutex> {
 public:
  explicit recursive_mutex(std::string_view name = {}, source_site site = source_site::current())
      : lock_core(name, site) {}
};

}  // namespace weft
