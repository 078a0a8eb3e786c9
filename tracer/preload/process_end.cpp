// How a recorded process ends, and with what status: exit(), a return
// from main, quick_exit, _exit and _Exit.
//
// exit() and a return from main run weft's atexit handler (quick_exit its
// at_quick_exit handler), which completes the trace (Runtime::finish) but
// is not told the status: the wrappers here note it first, so the trace's
// end says "exit 3" where the program exited with 3, not 0. main's return
// is seen by standing in front of __libc_start_main, glibc's start-up,
// which calls main: main is called through a trampoline that notes what it
// returns (glibc then calls its own exit, which no wrapper can stand in
// front of).
//
// _exit and _Exit run no atexit handler at all: the trace is completed
// before them (see complete_trace_before_exit).
#include <cstdint>
#include <cstdlib>

#include "../src/runtime.hpp"
#include "modules.hpp"
#include "real.hpp"
#include "state.hpp"

namespace weft::preload {
namespace {

// Only the runtime's own process notes a status: a vfork child shares its
// parent's memory, runtime included, until its exec or _exit.
void note_exit_status(int status) noexcept {
  if (!g_recording.load(std::memory_order_relaxed)) return;
  if (detail::Runtime* rt = detail::Runtime::peek()) rt->note_exit_status(status);
}

// _exit, and _Exit (C99's name for it): the process ends with no atexit
// handler run, weft's among them. Its trace had no end record (read as cut
// short) and lost what the writer had not written yet; a forked child that
// ends by _exit, as children should, lost its whole trace. The trace is
// completed first, as at exit(). Not in a vfork child (its parent's
// runtime, in shared memory), nor for weft's own calls (it finished the
// trace itself, or has none). On any thread, weft's own too: an atexit
// handler's _exit runs on weft's watchdog when it ends a process whose main
// thread left and whose other threads all ended (glibc's tst-cleanup0).
void complete_trace_before_exit(int status, const void* ra) noexcept {
  if (!g_recording.load(std::memory_order_relaxed)) return;
  detail::Runtime* rt = detail::Runtime::peek();
  if (rt == nullptr || !rt->own_process() || in_this_library(reinterpret_cast<std::uintptr_t>(ra))) return;
  rt->finish_before_exit_call(static_cast<std::uint64_t>(status & 0xff));
}

using main_function = int (*)(int, char**, char**);
using start_main_function = int (*)(main_function, int, char**, void (*)(), void (*)(), void (*)(), void*);

// The program's main, handed over by __libc_start_main below before it
// calls main_with_status; written once, on the only thread there is yet.
main_function g_program_main = nullptr;

int main_with_status(int argc, char** argv, char** envp) {
  const int status = g_program_main(argc, argv, envp);
  note_exit_status(status);
  return status;
}

}  // namespace
}  // namespace weft::preload

using namespace weft::preload;

extern "C" {

// glibc's declaration (exit is __THROW and noreturn); the status is noted
// whoever calls it, weft's watchdog too (its exit(0) for a process whose
// main thread left by pthread_exit is the status glibc would give).
void exit(int status) noexcept {
  note_exit_status(status);
  next.exit.get()(status);
  __builtin_unreachable();
}

// quick_exit runs the at_quick_exit handlers, weft's among them (the
// runtime registers one), and no atexit handler.
void quick_exit(int status) noexcept {
  note_exit_status(status);
  next.quick_exit.get()(status);
  __builtin_unreachable();
}

// glibc's start-up, called by the program's _start before main; declared
// by no header. Not recording (WEFT_TRACE=off), main is called as it was.
int __libc_start_main(main_function main, int argc, char** argv, void (*init)(), void (*fini)(), void (*rtld_fini)(),
                      void* stack_end) {
  static weft::preload::next_function<start_main_function> start_main{"__libc_start_main", nullptr};
  g_program_main = main;
  return start_main.get()(g_recording.load(std::memory_order_relaxed) ? main_with_status : main, argc, argv, init,
                          fini, rtld_fini, stack_end);
}

// noreturn, as the C library's declarations say.
void _exit(int status) {
  complete_trace_before_exit(status, __builtin_return_address(0));
  next._exit.get()(status);
  __builtin_unreachable();
}

void _Exit(int status) noexcept {
  complete_trace_before_exit(status, __builtin_return_address(0));
  next._Exit.get()(status);
  __builtin_unreachable();
}

}  // extern "C"
