// fork() and exec. The runtime decides what a child does (runtime.cpp:
// without -f it records nothing, with -f it traces on into its own file);
// the fork wrapper runs fork() as weft's own call, so that the threads the
// runtime starts again in a followed child (writer, watchdog) are weft's,
// and marks the moment in both traces. An exec ends this program and its
// writer without a last round: the exec wrappers have the runtime write
// what it has first (the trace then has no END: the program did not end,
// it was replaced; the program that replaces it records on its own).
#include <unistd.h>

#include <cstdarg>

#include <cstdlib>
#include <string>
#include <string_view>

#include "../src/runtime.hpp"
#include "lock_events.hpp"
#include "real.hpp"

namespace weft::preload {
namespace {

void note(std::uint32_t site, const std::string& text) {
  weft::detail::ThreadBuffer* b = weft::detail::current_buffer();
  weft::detail::emit_text_interned(static_cast<std::uint8_t>(format::EventKind::Log), b->thread_object, text, site);
}

void before_exec() noexcept {
  if (!g_recording.load(std::memory_order_relaxed) || t_state.ignored) return;
  const busy_scope busy;
  if (detail::Runtime* rt = detail::Runtime::peek()) rt->flush_before_exec();
}

// The arguments of execl/execlp/execle, as an argv on the caller's stack (no
// malloc: a vfork child may call these).
#define WEFT_COLLECT_EXECL_ARGS(first, argv_name, after)                            \
  std::size_t count = 1;                                                          \
  {                                                                               \
    va_list counting;                                                             \
    va_copy(counting, ap);                                                        \
    while (va_arg(counting, char*) != nullptr) ++count;                          \
    va_end(counting);                                                             \
  }                                                                               \
  char** argv_name = static_cast<char**>(__builtin_alloca((count + 1) * sizeof(char*))); \
  argv_name[0] = const_cast<char*>(first);                                       \
  for (std::size_t i = 1; i <= count; ++i) argv_name[i] = va_arg(ap, char*);    \
  after

}  // namespace

void reset_locks_in_child() noexcept {
  reset_module_lock_in_child();
  reset_thread_table_lock_in_child();
}

}  // namespace weft::preload

using namespace weft::preload;

extern "C" pid_t fork() noexcept {
  WEFT_PASS_THROUGH_UNLESS_RECORDING(next.fork.get()());
  const busy_scope busy;
  const std::uint32_t site = site_of(__builtin_return_address(0));
  const pid_t parent = ::getpid();
  const pid_t pid = next.fork.get()();
  if (pid > 0) note(site, "fork(): child process " + std::to_string(pid));
  if (pid == 0) {
    reset_locks_in_child();
    note(site, "fork(): this process, a child of " + std::to_string(parent));
    // A followed child traces as itself: a program it execs in its place
    // must know it replaces a traced image (init.cpp), or it would take
    // this child's file name.
    if (const char* follow = std::getenv("WEFT_RECORD_FOLLOW"); follow != nullptr && std::string_view(follow) == "1")
      ::setenv("WEFT_RECORD_TRACED_PID", std::to_string(::getpid()).c_str(), 1);
  }
  return pid;
}

extern "C" {

int execve(const char* path, char* const argv[], char* const envp[]) noexcept {
  before_exec();
  return next.execve.get()(path, argv, envp);
}

int execv(const char* path, char* const argv[]) noexcept {
  before_exec();
  return next.execv.get()(path, argv);
}

int execvp(const char* file, char* const argv[]) noexcept {
  before_exec();
  return next.execvp.get()(file, argv);
}

int execvpe(const char* file, char* const argv[], char* const envp[]) noexcept {
  before_exec();
  return next.execvpe.get()(file, argv, envp);
}

int fexecve(int fd, char* const argv[], char* const envp[]) noexcept {
  before_exec();
  return next.fexecve.get()(fd, argv, envp);
}

int execl(const char* path, const char* arg, ...) noexcept {
  va_list ap;
  va_start(ap, arg);
  WEFT_COLLECT_EXECL_ARGS(arg, argv, );
  va_end(ap);
  before_exec();
  return next.execv.get()(path, argv);
}

int execlp(const char* file, const char* arg, ...) noexcept {
  va_list ap;
  va_start(ap, arg);
  WEFT_COLLECT_EXECL_ARGS(arg, argv, );
  va_end(ap);
  before_exec();
  return next.execvp.get()(file, argv);
}

int execle(const char* path, const char* arg, ...) noexcept {
  va_list ap;
  va_start(ap, arg);
  WEFT_COLLECT_EXECL_ARGS(arg, argv, char* const* envp = va_arg(ap, char* const*););
  va_end(ap);
  before_exec();
  return next.execve.get()(path, argv, envp);
}

}  // extern "C"
