// The signals a thread of weft's own blocks (the writer, the watchdog, the
// explorer's keeper, a process pool's result reader): every one but the
// faults, so that the program's signals reach the program's threads only.
// One a program blocks in its threads to sigwait for it, or sends to
// itself, would otherwise be delivered to weft's thread, and kill the
// process or be lost. A fault is delivered to the thread that made it
// whatever its mask; left open, so that weft's crash handlers still see one
// of its own threads'.
//
// Except under ThreadSanitizer. TSan defers a signal that reaches a thread
// outside its interceptors' blocking calls until that thread's next
// intercepted call: a thread deadlocked inside pthread_mutex_lock (the
// futex wait is libc's own) never takes it, and a SIGTERM to a deadlocked
// program waited for ever once only the program's threads could take it.
// There weft's threads stay open: blocked in intercepted waits, one of them
// takes the signal at once.
#pragma once

#include <signal.h>

#include <weft/detail/tsan_invisible.hpp>

namespace weft::detail {

inline sigset_t asynchronous_signals() noexcept {
  sigset_t set;
#if defined(WEFT_TSAN_ACTIVE)
  sigemptyset(&set);
#else
  sigfillset(&set);
  for (int fault : {SIGSEGV, SIGBUS, SIGFPE, SIGILL, SIGTRAP, SIGABRT, SIGSYS}) sigdelset(&set, fault);
#endif
  return set;
}

}  // namespace weft::detail
