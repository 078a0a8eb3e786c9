// pthread barriers and pthread_once (std::call_once reaches it).
//
// A barrier is recorded as weft::barrier records one: barrier.arrive and
// barrier.leave, each with arg generation << 32 | arrival index. The index
// and generation are weft's count of arrivals; arrivals are serialized by a
// flag beside the barrier so that an arrival's index and its place in the
// barrier's order agree (the native barrier orders them the same way).
//
// A once is recorded as an event object (Python's threading.Event): the
// thread that runs the initializer sets it when the initializer returns,
// and every call that finds it done waited for it, which is the
// happens-before edge pthread_once gives. C11's call_once is pthread_once
// on the same flag (c11_threads.hpp).
#include <pthread.h>

#include <thread>

#include "c11_threads.hpp"
#include "lock_events.hpp"
#include "modules.hpp"
#include "real.hpp"
#include "scheduled.hpp"
#include "weft/format/meaning.hpp"

namespace weft::preload {
namespace {

// Under the scheduler the holder of the flag may be descheduled at its
// arrival's sync point: the next arrival waits on the scheduler, not in a
// spin that would keep the turn.
void arrive_lock(sync_entry& e) noexcept {
  while (e.arriving.exchange(true, std::memory_order_acquire))
    if (scheduled())
      detail::explore::block(&e.arriving, std::nullopt);
    else
      std::this_thread::yield();
}
void arrive_unlock(sync_entry& e) noexcept {
  e.arriving.store(false, std::memory_order_release);
  if (scheduled()) detail::explore::wake(&e.arriving);
}

thread_local void (*t_once_routine)() = nullptr;
thread_local const object_call* t_once_call = nullptr;

// The onces whose initializers this thread is running, innermost first
// (an initializer may call pthread_once on another once; on its own, it
// waits for itself for ever: glibc's once is not recursive).
struct running_once {
  const pthread_once_t* once;
  const running_once* outer;
};
thread_local const running_once* t_running_onces = nullptr;

bool running_here(const pthread_once_t* once) noexcept {
  for (const running_once* r = t_running_onces; r != nullptr; r = r->outer)
    if (r->once == once) return true;
  return false;
}

void run_once_routine() {
  void (*routine)() = t_once_routine;
  const object_call* c = t_once_call;
  {
    // The initializer is the program's: its calls are recorded.
    weft::detail::t_inside_weft = false;
    routine();
    weft::detail::t_inside_weft = true;
  }
  c->record(format::EventKind::EventSet, c->e->seq.fetch_add(1, std::memory_order_relaxed), 0);
}

// Under the scheduler the barrier is weft's count beside it, never the
// native wait (which would block the thread holding the turn): the last of
// a generation wakes the others, who wait on the barrier's address until
// their generation is full. The last one is the serial thread, as in glibc.
// It may destroy the barrier and initialise it again at once (glibc's
// destroy waits for the released threads to leave; none can arrive again
// before the new init): the count is then the new barrier's, and a waiter
// woken by the completed generation finds it gone (another object, or none
// yet) and leaves too.
int scheduled_barrier_wait(pthread_barrier_t* b, const sync_entry& e, std::uint32_t arrival, std::uint32_t parties) {
  const std::uint64_t full = (static_cast<std::uint64_t>(arrival / parties) + 1) * parties;
  if (arrival + 1 == full) {
    detail::explore::wake(b);
    return PTHREAD_BARRIER_SERIAL_THREAD;
  }
  const std::uint32_t object = e.object.load(std::memory_order_acquire);
  while (e.count.load(std::memory_order_relaxed) < full && e.object.load(std::memory_order_acquire) == object)
    detail::explore::block(b, std::nullopt);
  return 0;
}

// glibc's pthread_once_t: bit 0 "in progress", bit 1 "done" (the rest
// counts forks). Under the scheduler a thread that finds another running
// the initializer waits on the scheduler, not in the kernel.
bool once_in_progress(const pthread_once_t* once) noexcept {
  const int v = __atomic_load_n(once, __ATOMIC_ACQUIRE);
  return (v & 1) != 0 && (v & 2) == 0;
}

// The native pthread_once; under the scheduler the caller first waits its
// turn while another thread runs the initializer, and wakes the waiters
// after.
int native_once(pthread_once_t* once, void (*routine)()) {
  if (scheduled())
    while (once_in_progress(once)) detail::explore::block(once, std::nullopt);
  const int rc = next.pthread_once.get()(once, routine);
  if (scheduled()) detail::explore::wake(once);
  return rc;
}

// The wrapper's body, for pthread_once and C11's call_once: `ra` is the
// program's return address, the call's site.
__attribute__((always_inline)) inline int once_at(pthread_once_t* once, void (*routine)(), const void* ra) {
  WEFT_PASS_THROUGH_UNLESS_RECORDING(next.pthread_once.get()(once, routine));
  const busy_scope busy;
  // A once of the C or C++ runtime's own, called from inside it: libgcc_s
  // sets up its unwinder the first time a thread throws, libstdc++ its
  // locale. Not the program's: recorded, it was an event object at the
  // program's throw, set and waited for, which the program never made.
  // Passed through unrecorded, as the runtime's own calls are elsewhere
  // (std::call_once is inline in the program, which calls pthread_once
  // itself). Under the scheduler it still waits its turn.
  if (in_runtime_library(reinterpret_cast<std::uintptr_t>(ra))) return native_once(once, routine);
  object_call c;
  if (!begin_call(c, once, format::ObjectKind::Event, ra))
    return next.pthread_once.get()(once, routine);
  // Nested once calls (an initializer calling pthread_once) keep their own.
  void (*const outer_routine)() = t_once_routine;
  const object_call* const outer_call = t_once_call;
  t_once_routine = routine;
  t_once_call = &c;
  const running_once mine{once, t_running_onces};
  int rc;
  if (once_in_progress(once)) {
    // Another thread runs the initializer, or this one does, further out:
    // a wait, for the watchdog as for the trace.
    // This one: it waits for itself, for ever (the watchdog stops it as
    // the hang it is); said in the trace, which cannot show who runs it.
    if (running_here(once)) {
      static const char text[] = "pthread_once called again from inside its own initializer: it waits for itself";
      detail::emit_text_interned(static_cast<std::uint8_t>(format::EventKind::Log), c.object, text, c.site);
    }
    c.record(format::EventKind::EventWaitBegin, format::kNoSeq, 0);
    const detail::blocked_scope blocked(format::EventKind::EventWaitBegin, c.object, false);
    rc = native_once(once, run_once_routine);
  } else {
    t_running_onces = &mine;  // while this call may run the initializer
    rc = native_once(once, run_once_routine);
  }
  t_running_onces = mine.outer;
  t_once_routine = outer_routine;
  t_once_call = outer_call;
  // Whoever ran it or found it done: ordered after the initializer.
  c.record(format::EventKind::EventWaitEnd, c.e->seq.fetch_add(1, std::memory_order_relaxed), 1);
  return rc;
}

// Threads wait at the barrier for a generation not yet full: destroying or
// initialising it again then is undefined behaviour.
bool mid_generation(const sync_entry& e) noexcept {
  const std::uint32_t parties = e.parties.load(std::memory_order_relaxed);
  return parties != 0 && e.count.load(std::memory_order_relaxed) % parties != 0;
}

}  // namespace
}  // namespace weft::preload

using namespace weft::preload;
using weft::format::EventKind;

extern "C" {

int pthread_barrier_init(pthread_barrier_t* b, const pthread_barrierattr_t* attr, unsigned count) noexcept {
  const int rc = next.pthread_barrier_init.get()(b, attr, count);
  int pshared = PTHREAD_PROCESS_PRIVATE;
  if (attr != nullptr) pthread_barrierattr_getpshared(attr, &pshared);
  if (rc != 0) return rc;
  if (sync_entry* e = renew(b, weft::format::ObjectKind::Barrier, pshared == PTHREAD_PROCESS_SHARED,
                            __builtin_return_address(0), mid_generation)) {
    // Registered now, not at first use: its parties are known here only.
    const busy_scope busy;
    e->parties.store(count, std::memory_order_relaxed);
    object_call c;
    begin_call(c, b, weft::format::ObjectKind::Barrier, __builtin_return_address(0), count);
  }
  return rc;
}

int pthread_barrier_destroy(pthread_barrier_t* b) noexcept {
  return record_end_then_destroy(b, __builtin_return_address(0), mid_generation,
                                 [b] { return next.pthread_barrier_destroy.get()(b); });
}

int pthread_barrier_wait(pthread_barrier_t* b) noexcept {
  WEFT_PASS_THROUGH_UNLESS_RECORDING(next.pthread_barrier_wait.get()(b));
  const busy_scope busy;
  object_call c;
  sync_entry* e = find_entry(b);
  const std::uint32_t parties = e ? e->parties.load(std::memory_order_relaxed) : 0;
  if (parties == 0 || !begin_call(c, b, weft::format::ObjectKind::Barrier, __builtin_return_address(0), parties))
    return next.pthread_barrier_wait.get()(b);  // initialized before weft was there: count unknown
  arrive_lock(*e);
  const std::uint32_t arrival = e->count.fetch_add(1, std::memory_order_relaxed);
  const std::uint64_t position = weft::format::barrier_position(arrival / parties, arrival % parties);
  c.record(EventKind::BarrierArrive, e->seq.fetch_add(1, std::memory_order_relaxed), position);
  arrive_unlock(*e);
  int rc;
  {
    const weft::detail::blocked_scope blocked(EventKind::BarrierArrive, c.object, false, nullptr,
                                              watchdog_external(*e));
    rc = scheduled_object(b) ? scheduled_barrier_wait(b, *e, arrival, parties) : next.pthread_barrier_wait.get()(b);
  }
  c.record(EventKind::BarrierLeave, e->seq.fetch_add(1, std::memory_order_relaxed), position);
  return rc;
}

int pthread_once(pthread_once_t* once, void (*routine)()) { return once_at(once, routine, __builtin_return_address(0)); }

void call_once(once_flag* flag, void (*routine)()) {
  once_at(reinterpret_cast<pthread_once_t*>(flag), routine, __builtin_return_address(0));
}

}  // extern "C"
