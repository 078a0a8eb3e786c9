// Start-up of weft record's preload library, before the program's own
// constructors run: decide whether this process records, and if so start
// weft's runtime with the main thread attached.
//
// weft record sets WEFT_RECORD_PID to the pid of the program it starts.
// That process records into WEFT_TRACE. Any other process that inherits
// the library (a child that exec'd, a grandchild) records only with -f
// (WEFT_RECORD_FOLLOW=1), into "<trace stem>.<pid>.weft" beside the first
// trace, like strace -f; without -f it passes every call through.
//
// A program built with weft's own primitives carries weft's runtime: the
// library steps aside, and that runtime writes the trace (WEFT_TRACE).
#include <unistd.h>

#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <string>

#include "../src/runtime.hpp"
#include "modules.hpp"
#include "real.hpp"
#include "state.hpp"

namespace weft::preload {

std::atomic<bool> g_recording{false};
constinit thread_local thread_state t_state;

namespace {

std::string followed_trace_path(const std::string& root_path) {
  std::string stem = root_path;
  if (stem.size() > 5 && stem.compare(stem.size() - 5, 5, ".weft") == 0) stem.resize(stem.size() - 5);
  return stem + "." + std::to_string(::getpid()) + ".weft";
}

// Whether this process records; may point WEFT_TRACE at this process's own file.
bool this_process_records() {
  const char* root = std::getenv("WEFT_RECORD_PID");
  if (root == nullptr || std::atoll(root) == ::getpid()) return true;
  const char* follow = std::getenv("WEFT_RECORD_FOLLOW");
  if (follow == nullptr || std::strcmp(follow, "1") != 0) return false;
  const char* trace = std::getenv("WEFT_TRACE");
  if (trace == nullptr || std::strcmp(trace, "off") == 0) return false;
  // Every descendant's name derives from the first trace's (WEFT_TRACE_ROOT
  // keeps it once the first child has renamed its own).
  const char* first = std::getenv("WEFT_TRACE_ROOT");
  const std::string root_path = first ? first : trace;
  ::setenv("WEFT_TRACE_ROOT", root_path.c_str(), 0);
  ::setenv("WEFT_TRACE", followed_trace_path(root_path).c_str(), 1);
  ::setenv("WEFT_RECORD_PID", std::to_string(::getpid()).c_str(), 1);
  return true;
}

__attribute__((constructor(101))) void start_recording() {
  if (!this_process_records()) return;
  if (program_has_weft_runtime()) return;  // its own runtime records it
  const busy_scope busy;
  detail::Runtime& rt = detail::Runtime::get();
  if (!rt.enabled()) return;
  scan_modules();
  detail::current_buffer();  // the main thread, first
  // The runtime's atexit handler (registered just above, by Runtime::get)
  // stops the watchdog and the writer with std::mutexes and conditions of
  // its own; those are not the program's. Handlers run in reverse order, so
  // this one runs just before it, after every handler and static destructor
  // of the program, on the thread that called exit().
  std::atexit([] { t_state.busy = true; });
  g_recording.store(true, std::memory_order_release);
}

}  // namespace
}  // namespace weft::preload
