// The controlled scheduler's side of every primitive (weft explore, and
// replaying one of its runs). While it is on, exactly one traced thread runs
// at a time: the one holding the turn. The sync point (sync_point.hpp) is a
// scheduling point, where the scheduler may hand the turn to another thread;
// a primitive that would block instead tells the scheduler what it waits for
// (block) and gives up the turn, and whatever could end that wait says so
// (wake). A thread never blocks in the operating system while it holds the
// turn, so the scheduler always knows who can run: those not blocked.
//
// A blocked thread is woken to try again, not handed what it waited for:
// the primitive re-checks its condition (a free lock, an item, a set flag)
// when it next runs, and blocks again if another thread took it first.
// That keeps every primitive's own logic, under the scheduler as without.
//
// Time is virtual under the scheduler: each scheduling step costs a fixed
// quantum, a sleep or timed wait ends when the virtual clock reaches its
// deadline, and the clock jumps to the next deadline when no thread can run.
// So deadlines here are virtual instants (explore::now()).
#pragma once

#include <atomic>
#include <chrono>
#include <cstdint>
#include <optional>

namespace weft::detail {

// Set once, when the runtime starts under the scheduler, before any thread
// but the first exists;
// read-only afterwards but for the end, when the scheduler lets go.
extern std::atomic<bool> g_exploring;
inline bool exploring() noexcept { return __builtin_expect(g_exploring.load(std::memory_order_relaxed), 0); }

namespace explore {

using steady_time = std::chrono::steady_clock::time_point;

// The virtual clock, as a steady_clock time point.
steady_time now() noexcept;

// The calling thread cannot go on until `resource` (any address that names
// what it waits for) is woken, or the virtual clock reaches `until`. It
// gives up the turn and returns once it has it again: true if woken, false
// if the time ran out.
bool block(const void* resource, const std::optional<steady_time>& until);

// Threads blocked on `resource` may go on (`all`), or the longest-waiting
// of them. The caller keeps the turn.
void wake(const void* resource, bool all = true);
// The same, from a thread the scheduler does not run (outside_scope): it
// may come while the waiter is between its check and its block, so a wake
// that finds nobody blocked on `resource` is kept, and the next block on it
// returns at once (the waiter checks again, as every waiter does). It
// wakes every thread blocked on `resource`.
void wake_from_outside(const void* resource);
// A lock (or a semaphore's count, a futex word) let go by the caller, who
// holds no lock of weft's: its waiters are woken, as wake() does, and if
// one was, a scheduling point follows, the lock free. Without it a woken
// waiter could only be chosen once the caller had taken the lock again (its
// next step is that acquisition), and a thread polling a flag under a lock
// that the waiter must take to set it ran for ever.
void released(const void* resource);

// A thread of weft's own that the scheduler does not run but that shares
// weft's internal locks and conditions with threads it does (a process
// pool's result reader, fed by another process), for its life: its locks
// and waits on them are native, its unlocks and notifications wake the
// scheduled threads from outside. While one exists, a run with no thread
// left to run gives it a moment to wake one before it is called stuck.
class outside_scope {
 public:
  outside_scope();
  ~outside_scope();
  outside_scope(const outside_scope&) = delete;
  outside_scope& operator=(const outside_scope&) = delete;
};
// The calling thread is in an outside_scope.
bool outside() noexcept;

// A sleep in virtual time.
void sleep_for(std::chrono::nanoseconds duration);

// A scheduling point without an event: the caller offers the turn (a
// program's sched_yield, under weft record's scheduler; a spin loop's), and
// the strategy may hold it against it (pct lowers its priority).
void yield();

// What the scheduler needs to know of weft::thread: the thread `id` exists
// and may be scheduled (called by its creator once the OS thread exists);
// the calling OS thread is `id` and waits for its first turn; the calling
// thread has ended and gives the turn away for good.
void thread_created(std::uint32_t id);
void thread_attach(std::uint32_t id);
void thread_exit();

// The lock is waited for as the scheduler allows: try, and block on it
// until a try succeeds (or `until` passes: false).
template <class TryLock>
bool acquire(const void* resource, const std::optional<steady_time>& until, TryLock try_lock) {
  while (!try_lock())
    if (!block(resource, until)) return try_lock();
  return true;
}

// A condition-variable wait under the scheduler: `lock` (held) is let go,
// the thread blocks on `cv` until woken or `until`, and takes `lock` back.
// Between letting the lock go and blocking no other scheduled thread runs,
// so no notification is missed (one from outside is kept: wake_from_outside).
// Returns false if the time ran out.
template <class Lock>
bool wait(Lock& lock, const void* cv, const std::optional<steady_time>& until) {
  lock.unlock();
  const bool woken = block(cv, until);
  lock.lock();
  return woken;
}

// The scenario runner's deadline, in virtual time: when the clock passes
// it, the program is stopped (trace complete) with `why`.
void stop_at(std::chrono::nanoseconds after_start, const char* why);

}  // namespace explore
}  // namespace weft::detail
