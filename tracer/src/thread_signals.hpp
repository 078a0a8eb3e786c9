// The signals a thread of weft's own blocks (the writer, the watchdog, the
// explorer's keeper, a process pool's result reader): every one but the
// faults, so that the program's signals reach the program's threads only.
// One a program blocks in its threads to sigwait for it, or sends to
// itself, would otherwise be delivered to weft's thread, and kill the
// process or be lost. A fault is delivered to the thread that made it
// whatever its mask; left open, so that weft's crash handlers still see one
// of its own threads'.
#pragma once

#include <signal.h>

namespace weft::detail {

inline sigset_t asynchronous_signals() noexcept {
  sigset_t set;
  sigfillset(&set);
  for (int fault : {SIGSEGV, SIGBUS, SIGFPE, SIGILL, SIGTRAP, SIGABRT, SIGSYS}) sigdelset(&set, fault);
  return set;
}

}  // namespace weft::detail
