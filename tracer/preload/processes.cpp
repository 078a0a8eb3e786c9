// fork() and exec. The runtime decides what a child does (runtime.cpp:
// without -f it records nothing, with -f it traces on into its own file);
// the fork wrapper runs fork() as weft's own call, so that the threads the
// runtime starts again in a followed child (writer, watchdog) are weft's,
// and marks the moment in both traces: without -f as Log texts; with -f as
// a process of the run, on a Process object registered before the fork
// with a run-wide key (so both traces know it): process.spawn (seq 0, arg
// the child's pid) in the parent, process.start (seq 1, arg its pid) in the
// child, and process.exit (seq 2) when the child's trace is finished
// (Runtime::finish). A followed child's waits on process-shared objects are
// external (sync_table.hpp): the run's watchdogs judge them together.
// waitpid(pid, ...) and waitid(P_PID, pid, ...) on a followed child are its
// join: process.join.begin (arg 1 under WNOHANG), a wait another process
// ends (external), and process.join.end (seq 3, arg process_joined(status))
// when it reaps the child, else (still running, an error) arg 0, no seq.
// A wait for any child (wait(), waitpid(-1, ...)) is passed on unrecorded:
// which child it joins is known only after it. An exec ends this program and its
// writer without a last round: the exec wrappers have the runtime write
// what it has first (the trace then has no END: the program did not end,
// it was replaced; the program that replaces it records on its own).
#include <sched.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include <atomic>
#include <cerrno>
#include <cstdarg>

#include <cstdlib>
#include <string>
#include <string_view>

#include "../src/runtime.hpp"
#include "lock_events.hpp"
#include "weft/detail/blocking.hpp"
#include "weft/detail/registry.hpp"
#include "weft/detail/sync_point.hpp"
#include "weft/format/meaning.hpp"
#include "real.hpp"

namespace weft::preload {
namespace {

// The followed child's process object; its name counts the forks.
std::uint32_t new_process_object() {
  static std::atomic<unsigned> forks{0};
  return weft::detail::register_shared_object(weft::format::ObjectKind::Process,
                                              "fork " + std::to_string(forks.fetch_add(1) + 1), {}, 0,
                                              weft::detail::kNewSharedKey);
}

// The followed children not yet joined, pid -> process object: a small
// open table (a program with more live children than slots loses their
// joins' events, not the joins).
struct followed_child {
  std::atomic<pid_t> pid{0};
  std::atomic<std::uint32_t> object{0};
};
constexpr std::size_t kFollowedSlots = 256;
followed_child g_followed[kFollowedSlots];

void remember_child(pid_t pid, std::uint32_t object) {
  for (followed_child& c : g_followed) {
    pid_t expected = 0;
    if (c.pid.compare_exchange_strong(expected, -1, std::memory_order_acq_rel)) {  // -1: being filled
      c.object.store(object, std::memory_order_relaxed);
      c.pid.store(pid, std::memory_order_release);
      return;
    }
  }
}

followed_child* find_child(pid_t pid) {
  if (pid <= 0) return nullptr;
  for (followed_child& c : g_followed)
    if (c.pid.load(std::memory_order_acquire) == pid) return &c;
  return nullptr;
}

// A join of a followed child: `wait` does the real call and says whether it
// reaped the child, with its wait status.
template <class Wait>
auto join_child(followed_child& c, bool polling, std::uint32_t site, Wait&& wait) {
  const std::uint32_t object = c.object.load(std::memory_order_relaxed);
  {
    const busy_scope busy;
    weft::detail::sync_point_interned(weft::detail::current_buffer(), weft::format::EventKind::ProcessJoinBegin,
                                      object, weft::format::kNoSeq, polling ? 1 : 0, site);
  }
  int status = 0;
  bool reaped = false;
  decltype(wait(status, reaped)) rc;
  {
    const weft::detail::blocked_scope blocked(weft::format::EventKind::ProcessJoinBegin, object, polling, nullptr,
                                              true);
    rc = wait(status, reaped);
  }
  const int saved = errno;
  {
    const busy_scope busy;
    if (reaped)
      weft::detail::sync_point_interned(weft::detail::current_buffer(), weft::format::EventKind::ProcessJoinEnd, object,
                                        3, weft::format::process_joined(status), site);
    else
      weft::detail::sync_point_interned(weft::detail::current_buffer(), weft::format::EventKind::ProcessJoinEnd, object,
                                        weft::format::kNoSeq, 0, site);
  }
  if (reaped) c.pid.store(0, std::memory_order_release);
  errno = saved;
  return rc;
}

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

bool is_raw_fork(long number, const long* a) noexcept {
  return number == SYS_fork || (number == SYS_clone && (a[0] & CLONE_VM) == 0 && a[1] == 0);
}

// A fork made with the system call itself runs neither glibc's fork() nor
// any atfork handler, weft's included. Such a child was left believing it
// was the parent's tracer: it wrote into the parent's trace, and at exit
// joined the parent's watchdog, which it does not have (a hang). Now it
// stops recording at once, as an unfollowed child does, even under -f:
// it may have been copied while a thread of weft's held a lock (the
// allocator's) that nobody in it will release, and following it would
// allocate and start threads. The parent's trace notes the child.
long raw_fork(long number, const long* a, const void* ra) noexcept {
  const long pid = next.syscall.get()(number, a[0], a[1], a[2], a[3], a[4], a[5]);
  if (pid == 0) {
    if (weft::detail::Runtime* rt = weft::detail::Runtime::peek()) rt->stop_in_unfollowed_child();
  } else if (pid > 0 && recording()) {
    const busy_scope busy;
    note(site_of(ra), "fork system call: child process " + std::to_string(pid) +
                          ", not traced (the C library's fork() was not called)");
  }
  return pid;
}

}  // namespace weft::preload

using namespace weft::preload;

extern "C" pid_t fork() noexcept {
  WEFT_PASS_THROUGH_UNLESS_RECORDING(next.fork.get()());
  const busy_scope busy;
  const std::uint32_t site = site_of(__builtin_return_address(0));
  const pid_t parent = ::getpid();
  weft::detail::Runtime* rt = weft::detail::Runtime::peek();
  const bool follow = rt != nullptr && rt->config().follow_forks;
  const std::uint32_t process = follow ? new_process_object() : 0;
  const pid_t pid = next.fork.get()();
  if (pid > 0) {
    if (follow) {
      weft::detail::sync_point_interned(weft::detail::current_buffer(), weft::format::EventKind::ProcessSpawn, process,
                                        0, static_cast<std::uint64_t>(pid), site);
      remember_child(pid, process);
    } else
      note(site, "fork(): child process " + std::to_string(pid));
  }
  if (pid == 0) {
    reset_locks_in_child();
    if (follow) {
      for (followed_child& c : g_followed) c.pid.store(0, std::memory_order_relaxed);  // the parent's children
      weft::detail::sync_point_interned(weft::detail::current_buffer(), weft::format::EventKind::ProcessStart, process,
                                        1, static_cast<std::uint64_t>(::getpid()), site);
      rt->set_process_object(process);
    } else {
      note(site, "fork(): this process, a child of " + std::to_string(parent));
    }
    // A followed child traces as itself: a program it execs in its place
    // must know it replaces a traced image (init.cpp), or it would take
    // this child's file name.
    if (const char* v = std::getenv("WEFT_RECORD_FOLLOW"); v != nullptr && std::string_view(v) == "1")
      ::setenv("WEFT_RECORD_TRACED_PID", std::to_string(::getpid()).c_str(), 1);
  }
  return pid;
}

extern "C" {

// Not noexcept, as glibc declares them: waitpid and waitid are cancellation points.
pid_t waitpid(pid_t pid, int* wstatus, int options) {
  WEFT_PASS_THROUGH_UNLESS_RECORDING(next.waitpid.get()(pid, wstatus, options));
  followed_child* c = find_child(pid);
  if (c == nullptr) return next.waitpid.get()(pid, wstatus, options);
  const std::uint32_t site = site_of(__builtin_return_address(0));
  return join_child(*c, (options & WNOHANG) != 0, site, [&](int& status, bool& reaped) {
    const pid_t r = next.waitpid.get()(pid, &status, options);
    reaped = r == pid && (WIFEXITED(status) || WIFSIGNALED(status));
    if (r == pid && wstatus != nullptr) *wstatus = status;
    return r;
  });
}

int waitid(idtype_t idtype, id_t id, siginfo_t* info, int options) {
  WEFT_PASS_THROUGH_UNLESS_RECORDING(next.waitid.get()(idtype, id, info, options));
  followed_child* c = idtype == P_PID ? find_child(static_cast<pid_t>(id)) : nullptr;
  if (c == nullptr || info == nullptr || (options & WEXITED) == 0) return next.waitid.get()(idtype, id, info, options);
  const std::uint32_t site = site_of(__builtin_return_address(0));
  return join_child(*c, (options & WNOHANG) != 0, site, [&](int& status, bool& reaped) {
    info->si_pid = 0;
    const int r = next.waitid.get()(idtype, id, info, options);
    // As a wait status (what process.join.end carries): exited or killed.
    const bool ended = r == 0 && info->si_pid == static_cast<pid_t>(id) &&
                       (info->si_code == CLD_EXITED || info->si_code == CLD_KILLED || info->si_code == CLD_DUMPED);
    status = info->si_code == CLD_EXITED ? (info->si_status & 0xff) << 8 : info->si_status & 0x7f;
    reaped = ended;  // under WNOWAIT too: it has ended; a later reap of it passes unrecorded
    return r;
  });
}

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
