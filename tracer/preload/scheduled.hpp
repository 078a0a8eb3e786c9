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

// The same, for a call whose wrapper does not first check recording() (the
// clocks, sleeps, the futex): not weft's own threads nor weft's own code.
inline bool scheduled_program_call() noexcept { return scheduled() && recording(); }

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

// Waits, as the scheduler allows, for what `try_lock()` takes: it is
// tried, and while it says EBUSY the thread blocks on `resource` (which the
// releasing call wakes), until `until` if given. What the last try
// returned (0, or its error: EOWNERDEAD, ...), or ETIMEDOUT.
template <class TryLock>
int scheduled_lock(const void* resource, const std::optional<virtual_time>& until, TryLock try_lock) {
  int rc = EBUSY;
  const bool taken = detail::explore::acquire(resource, until, [&] { return (rc = try_lock()) != EBUSY; });
  return taken ? rc : ETIMEDOUT;
}

}  // namespace weft::preload
