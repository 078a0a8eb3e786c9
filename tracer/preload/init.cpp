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
#include <dlfcn.h>
#include <fcntl.h>
#include <unistd.h>

#include <cerrno>  // program_invocation_short_name
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <string>

#include "../src/config.hpp"
#include "../src/runtime.hpp"
#include "modules.hpp"
#include "object_names.hpp"
#include "weft/detail/fork_server.hpp"
#include "real.hpp"
#include "state.hpp"

namespace weft::preload {

std::atomic<bool> g_recording{false};
constinit thread_local thread_state t_state;

namespace {

// Whether this process records; may point WEFT_TRACE at this process's own file.
bool this_process_records() {
  const char* root = std::getenv("WEFT_RECORD_PID");
  const bool follow = std::getenv("WEFT_RECORD_FOLLOW") && std::strcmp(std::getenv("WEFT_RECORD_FOLLOW"), "1") == 0;
  // An image that replaced a traced one in this same process (exec without
  // fork). Without -f it writes the process's trace anew: the trace is the
  // last program's. With -f it gets its own file, "<stem>.<pid>.<name>".
  const char* traced = std::getenv("WEFT_RECORD_TRACED_PID");
  const bool replaced = traced != nullptr && std::atoll(traced) == ::getpid();
  const bool is_root = root == nullptr || std::atoll(root) == ::getpid();
  if (is_root && !(replaced && follow)) return true;
  if (!follow) return false;
  const char* trace = std::getenv("WEFT_TRACE");
  if (trace == nullptr || std::strcmp(trace, "off") == 0) return false;
  // Every descendant's name derives from the first trace's (WEFT_TRACE_ROOT
  // keeps it once the first child has renamed its own).
  const char* first = std::getenv("WEFT_TRACE_ROOT");
  const std::string root_path = first ? first : trace;
  ::setenv("WEFT_TRACE_ROOT", root_path.c_str(), 0);
  std::string path = detail::followed_trace_path(root_path, ::getpid());
  if (replaced) path.insert(path.size() - 5, std::string(".") + program_invocation_short_name);
  ::setenv("WEFT_TRACE", path.c_str(), 1);
  ::setenv("WEFT_RECORD_PID", std::to_string(::getpid()).c_str(), 1);
  return true;
}

// ThreadSanitizer intercepts the same functions and would see weft's own
// bookkeeping (its rings, its writer thread's copies) as the program's
// memory accesses and synchronization: races reported inside weft, races of
// the program hidden behind weft's locks. The two do not share a process;
// the README says how to get both (weft's primitives in a TSan build).
bool under_thread_sanitizer() { return dlsym(RTLD_DEFAULT, "__tsan_init") != nullptr; }

// Priority 101: before any other initializer of this library, so that no
// wrapper records before the decision. The library therefore has no dynamic
// initializers the runtime could need (every global of the preload and the
// runtime is constant-initialized; `nm -C libweft_preload.so | grep
// GLOBAL__sub_I` lists none).
__attribute__((constructor(101))) void start_recording() {
  // weft explore's fork server (weft/detail/fork_server.hpp): this process,
  // the program loaded, serves runs, each a fork of it made here, before
  // the program's own constructors; each run goes on below, the root of
  // what it records, as a process weft explore started would.
  if (const char* serve = std::getenv("WEFT_EXPLORE_SERVE_FD")) {
    char* end = nullptr;
    const long fd = std::strtol(serve, &end, 10);
    if (*serve == '\0' || *end != '\0' || fd < 3 || fd > 1'000'000 || ::fcntl(static_cast<int>(fd), F_GETFD) < 0) {
      std::fprintf(stderr, "weft: WEFT_EXPLORE_SERVE_FD=%s is not an open descriptor above 2\n", serve);
      ::_exit(2);
    }
    ::unsetenv("WEFT_EXPLORE_SERVE_FD");
    detail::explore::serve_forked_runs(static_cast<int>(fd), static_cast<int>(fd));
    ::setenv("WEFT_RECORD_PID", std::to_string(::getpid()).c_str(), 1);
    ::unsetenv("WEFT_RECORD_FOLLOW");
  }
  if (!this_process_records()) return;
  if (program_has_weft_runtime()) return;  // its own runtime records it
  if (under_thread_sanitizer()) {
    static const char line[] =
        "weft record: this program is built with ThreadSanitizer, which cannot share a process with weft record's "
        "interceptors: not recording it (its TSan reports still print; see the README, \"weft record and "
        "ThreadSanitizer\")\n";
    (void)!::write(2, line, sizeof line - 1);
    return;
  }
  const busy_scope busy;
  detail::Runtime& rt = detail::Runtime::get();
  if (!rt.enabled()) return;
  scan_modules();
  detail::set_object_namer(&name_for_messages);  // the watchdog's messages name the program's variables
  detail::current_buffer();  // the main thread, first
  // The file is written at once, not at the writer's first round: a process
  // that execs another in its place within milliseconds (a shell's `exec`)
  // still leaves its own trace (incomplete: exec ends it without an END).
  rt.flush();
  // Inherited by a program this process execs (see this_process_records).
  ::setenv("WEFT_RECORD_TRACED_PID", std::to_string(::getpid()).c_str(), 1);
  g_recording.store(true, std::memory_order_release);
}

}  // namespace
}  // namespace weft::preload
