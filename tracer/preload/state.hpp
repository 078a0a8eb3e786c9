// When weft record's wrappers record, and when they only pass a call on.
//
// A wrapper records a call of the program's. It passes the call straight on
// when recording is off in this process (weft record without -f in a child,
// a program with its own weft runtime, tracing disabled), on a thread of
// weft's own (the writer, the watchdog: `ignored` from their first
// instruction), and while this thread is already inside weft (`busy`): the
// runtime takes std::mutexes of its own, and those are not the program's.
#pragma once

#include <atomic>

#include "weft/detail/internal_scope.hpp"

namespace weft::preload {

extern std::atomic<bool> g_recording;

struct thread_state {
  bool ignored = false;  // a thread of weft's own
};
extern constinit thread_local thread_state t_state __attribute__((tls_model("initial-exec")));

// "busy": inside weft, the runtime's flag (internal_scope.hpp), which the
// runtime also sets where it is entered without a wrapper (at exit, ...).
inline bool busy() noexcept { return detail::t_inside_weft; }

inline bool recording() noexcept {
  return __builtin_expect(g_recording.load(std::memory_order_relaxed), 1) && !detail::t_inside_weft &&
         !t_state.ignored;
}

// Marks this thread as inside weft for its lifetime.
using busy_scope = detail::internal_scope;

// In a child of fork(): the library's own locks made anew (their holders
// may have been other threads, which the child does not have).
void reset_locks_in_child() noexcept;
void reset_module_lock_in_child() noexcept;
void reset_thread_table_lock_in_child() noexcept;

// syscall(SYS_fork), or SYS_clone making a process on the caller's stack
// (processes.cpp): `a` the call's six arguments, `ra` its site.
bool is_raw_fork(long number, const long* a) noexcept;
long raw_fork(long number, const long* a, const void* ra) noexcept;

// Returns `call` unrecorded when this call is not to be recorded.
#define WEFT_PASS_THROUGH_UNLESS_RECORDING(call) \
  do {                                          \
    if (!::weft::preload::recording()) return call; \
  } while (0)

}  // namespace weft::preload
