// weft record's wrappers under weft's controlled scheduler (weft explore --
// PROGRAM, weft record --schedule). The scheduler lets one thread run at a
// time, so a wrapper must never block in the operating system while its
// thread holds the turn: where it would (a held mutex, a wait on a
// condition, a join, a sleep), it waits on the scheduler instead, with the
// address of what it waits for (explore.hpp), and whatever could end that
// wait (an unlock, a notify, a thread's end) wakes that address.
//
// Time is virtual: the program's clock_gettime, gettimeofday and time read
// the scheduler's clock (clocks.cpp), so the absolute timeouts it computes
// from them are virtual too, and a sleep costs nothing.
#pragma once

#include <time.h>

#include <cerrno>
#include <optional>

#include "state.hpp"
#include "sync_table.hpp"
#include "weft/detail/explore.hpp"

namespace weft::preload {

using detail::exploring;
using virtual_time = detail::explore::steady_time;

// Whether this call of the program's goes through the scheduler.
inline bool scheduled() noexcept { return detail::exploring(); }

// Whether a wait on the object at `address` goes through the scheduler. A
// process-shared object (a pshared mutex or semaphore, a named semaphore)
// is released by other processes, which the scheduler does not see: its
// waits stay native, the turn held meanwhile (the other process runs on).
inline bool scheduled_object(const void* address) noexcept {
  if (!scheduled()) return false;
  const sync_entry* e = find_entry(address);
  return e == nullptr || !e->process_shared.load(std::memory_order_relaxed);
}

// The virtual instant of an absolute timeout on `clock`, as the program
// computed it from what that clock told it (clocks.cpp).
virtual_time virtual_deadline(clockid_t clock, const struct timespec* abstime) noexcept;

// The virtual instant `ns` from now.
virtual_time virtual_after(long long ns) noexcept;

// Waits, as the scheduler allows, until `try_take()` succeeds: it is tried,
// and while it fails the thread blocks on `resource` (which the releasing
// call wakes), until `until` if given. 0, or ETIMEDOUT.
template <class Try>
int scheduled_take(const void* resource, const std::optional<virtual_time>& until, Try try_take) {
  return detail::explore::acquire(resource, until, try_take) ? 0 : ETIMEDOUT;
}

}  // namespace weft::preload
